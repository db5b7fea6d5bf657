export { AtelierClient, type AtelierClientOptions, type ModelInfo, type SubmitBody, type SubmitOptions } from './atelierClient.ts';
export { AtelierApiError, AtelierNetworkError } from './atelierApiError.ts';
export { followJobStream, type JobStreamMessage, type StreamOptions } from './jobStream.ts';
export { parseSse, type SseMessage } from './sseParser.ts';
