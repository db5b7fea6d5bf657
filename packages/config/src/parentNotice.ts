/**
 * Tell the process that started this one (`atelier up`, over its IPC channel) that it now
 * serves. Nothing when there is no such parent. Not a log line: a parent must not depend on
 * LOG_LEVEL to know when its children are up.
 */
export function tellParentReady(): void {
  if (!process.send) return;
  process.send('ready');
  // The channel must not keep this process alive once everything else has stopped.
  process.channel?.unref();
}
