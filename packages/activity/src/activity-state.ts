// The activity states are part of agentwatch's data (AgentSummary.activity_state), so they live in
// @agentwatch/models; this package re-exports them.
export { ACTIVITY_STATES, ActivityState, isActivityState } from "@agentwatch/models";
