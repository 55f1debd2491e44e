import "./styles.css";
import { eachLimited, fetchHistory } from "./api.js";
import { type ConnectionState, LiveConnection } from "./connection.js";
import { byId } from "./dom.js";
import { HistoryPanel } from "./history-panel.js";
import { CardGrid } from "./render-cards.js";
import { FilterBar, renderConnection, renderHealth } from "./render-header.js";
import { type Action, type DashboardState, STRIP_LENGTH, initialState, reduce } from "./state.js";
import { endpoints } from "./urls.js";
import { type Filter, costToday, countCards, selectCards } from "./view.js";

const api = endpoints(location.href);
let state: DashboardState = initialState;
let filter: Filter = { status: "all", query: "" };
let connection: ConnectionState = { phase: "connecting" };
let scheduled = false;
const stripsLoaded = new Set<string>();

const connectionBadge = byId("connection");
const health = byId("health");
const empty = byId("empty");
const search = byId<HTMLInputElement>("search");
const grid = new CardGrid(byId("cards"), (id) => openHistory(id));
const filters = new FilterBar(byId("filters"), (status) => {
  filter = { ...filter, status: filter.status === status ? "all" : status };
  schedule();
});
const panel = new HistoryPanel(api, (id, summaries) =>
  dispatch({ type: "history", id, summaries }),
);

function render(): void {
  scheduled = false;
  const now = Date.now();
  const cards = selectCards(state, filter, now);
  grid.render(cards, now);
  filters.render(countCards(state), filter.status);
  renderConnection(connectionBadge, connection, now);
  renderHealth(health, state.lastCycle, now, costToday(state, now));
  empty.hidden = cards.length > 0;
  empty.textContent = !state.loaded
    ? "Connecting to the server…"
    : state.agents.size === 0
      ? "No agents yet: they appear as soon as the monitor sees their logs."
      : "No agent matches the filter.";
  document.title =
    countCards(state).attention > 0 ? `(${countCards(state).attention}) agentwatch` : "agentwatch";
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(render);
}

function dispatch(action: Action): void {
  state = reduce(state, action);
  schedule();
}

function openHistory(id: string): void {
  const entry = state.agents.get(id);
  void panel.open(id, entry?.info?.instance_name ?? entry?.summary?.instance_name ?? id);
}

/** Fills each new agent's status strip from its stored history, a few requests at a time. */
function loadStrips(): void {
  const ids = [...state.agents.keys()].filter((id) => !stripsLoaded.has(id));
  for (const id of ids) stripsLoaded.add(id);
  void eachLimited(ids, 4, async (id) => {
    const summaries = await fetchHistory(api, id, STRIP_LENGTH);
    dispatch({ type: "history", id, summaries });
  });
}

search.addEventListener("input", () => {
  filter = { ...filter, query: search.value };
  schedule();
});

const live = new LiveConnection({
  url: api.ws,
  create: (url) => new WebSocket(url),
  onState: (next) => {
    connection = next;
    schedule();
  },
  onMessage: (message, receivedAt) => {
    dispatch({ type: "message", message, receivedAt });
    if (message.type === "snapshot" || message.type === "agent_added") loadStrips();
    if (message.type === "summary_update") panel.add(message.summary);
  },
});
live.start();
setInterval(schedule, 1000); // idle times and the reconnect countdown tick
