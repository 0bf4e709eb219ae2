import { vi } from "vitest";

// Ink decides once, when it is imported, whether it runs in CI (is-in-ci reads
// CI / CONTINUOUS_INTEGRATION) and then renders only a final frame. The UI
// tests drive Ink with fake terminal streams and must see the interactive
// renderer whatever CI runs them, so the flags are turned off before any test
// module loads. End-to-end tests set CI explicitly for the processes they spawn.
vi.stubEnv("CI", "false");
vi.stubEnv("CONTINUOUS_INTEGRATION", "false");
