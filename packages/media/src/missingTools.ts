import { spawn } from 'node:child_process';
import { packageOf, type Tool } from './ffmpeg.ts';

/** Asks the program for its version: only "not found" matters, as it is what runTool would meet. */
function isMissing(tool: Tool, env: NodeJS.ProcessEnv | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(tool, [tool === 'espeak-ng' ? '--version' : '-version'], { stdio: 'ignore', env });
    child.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ENOENT'));
    child.once('spawn', () => {
      child.kill();
      resolve(false);
    });
  });
}

/** Of these programs, the ones this machine cannot run. `env` only for tests that hide them (a PATH of their own). */
export async function missingTools(tools: Iterable<Tool>, env?: NodeJS.ProcessEnv): Promise<Tool[]> {
  const unique = [...new Set(tools)];
  const missing = await Promise.all(unique.map((tool) => isMissing(tool, env)));
  return unique.filter((_, index) => missing[index]);
}

/** What a person types to get them, e.g. "sudo apt-get install -y ffmpeg espeak-ng (Debian/Ubuntu)". */
export function installHint(tools: readonly Tool[]): string {
  const packages = [...new Set(tools.map((tool) => packageOf[tool]))];
  return `sudo apt-get install -y ${packages.join(' ')} (Debian/Ubuntu; macOS: brew install ${packages.join(' ')})`;
}
