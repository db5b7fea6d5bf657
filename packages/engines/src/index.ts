export type * from './types.ts';
export { createEngines, type EngineConfig, type Engines } from './registry.ts';
export { createLocalImageEngine } from './image/localImageEngine.ts';
export { createInstantImageEngine } from './image/instantImageEngine.ts';
export { createLocalVideoEngine } from './video/localVideoEngine.ts';
export { createLocalVoiceEngine } from './voice/localVoiceEngine.ts';
