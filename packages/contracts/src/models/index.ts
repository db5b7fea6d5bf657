export * from './paramFields.ts';
export * from './modelPrice.ts';
export * from './modelEntry.ts';
export * from './builtInModels.ts';
export * from './catalog.ts';
export * from './modelView.ts';
export * from './modelInputs.ts';
export * from './upscaleLimit.ts';
