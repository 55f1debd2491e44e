// A CommonJS TypeScript consumer, type-checked against the installed tarballs: TypeScript 5.8 and
// later type `require()` of these ES modules under module NodeNext, as Node.js 20.19 runs it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import models = require("@agentwatch/models");
// eslint-disable-next-line @typescript-eslint/no-require-imports
import config = require("@agentwatch/config");

const status: models.OnTrackStatus = models.parseOnTrackStatus("on track");
const settings: config.MonitoringConfig = config.DEFAULT_CONFIG;
export = { status, settings };
