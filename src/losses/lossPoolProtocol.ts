/**
 * The loss pool's control block, shared by the caller and each helper thread: an Int32Array of
 * [state, heartbeat (scales finished), boot failed]. The caller posts a job message and sets JOB;
 * the helper computes, posts its reply, sets DONE (or FAILED); the caller reads the reply and sets
 * IDLE; QUIT ends the helper's loop.
 */
export const IDLE = 0;
export const JOB = 1;
export const DONE = 2;
export const FAILED = 3;
export const QUIT = 9;
