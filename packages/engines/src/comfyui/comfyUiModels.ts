import { readFileSync } from 'node:fs';
import { ConfigError } from '@atelier/config';
import type { Catalog, CatalogModel, ModelEntryOf } from '@atelier/contracts';
import type { SharedEngineParts } from '../sharedEngineParts.ts';
import type { Engine, GpuInfo } from '../types.ts';
import { checkComfyUiWorkflow } from './checkComfyUiWorkflow.ts';
import { createComfyUiEngine } from './comfyUiEngine.ts';
import { describeComfyUiServer } from './describeComfyUiServer.ts';

type ComfyUiModel = ModelEntryOf<'comfyui'>;
type ComfyUiCatalogModel = Extract<CatalogModel, { engine: 'comfyui' }>;

/** The entry's workflow file (made absolute when the catalog was read), parsed. */
function workflowOf(model: ComfyUiModel): unknown {
  try {
    return JSON.parse(readFileSync(model.workflow, 'utf8'));
  } catch (error) {
    throw new ConfigError([`workflow ${model.workflow}: ${(error as Error).message}`]);
  }
}

/** A catalog's ComfyUI model as an engine, on its server's shared client; its GPU is what the start-up check found. */
export function comfyUiModelEngine(model: ComfyUiModel, shared: SharedEngineParts): Engine {
  if (model.kind === 'voice') throw new ConfigError(['kind: the comfyui engine makes images and videos, not voices']);
  const engine = createComfyUiEngine({
    kind: model.kind,
    client: shared.comfyUiClient(model.baseUrl),
    workflow: workflowOf(model),
    bindings: model.bindings,
    output: model.output,
    name: model.id,
  });
  return { ...engine, gpu: () => shared.comfyUiGpu(model.baseUrl) };
}

export interface ComfyUiCheck {
  /** Bindings and nodes that do not fit their server, each line naming the model: the worker stops on them. */
  problems: string[];
  /** Servers that did not answer: their models' jobs wait and retry; the check is not made. */
  unreachable: Array<{ baseUrl: string; error: unknown }>;
}

/**
 * At start-up, for the ComfyUI models this worker serves: each server's GPU (from
 * `/system_stats`, announced and written to every attempt's history) and each workflow
 * against the server's `/object_info`.
 */
export async function checkComfyUiModels(catalog: Catalog, modelIds: readonly string[], shared: SharedEngineParts): Promise<ComfyUiCheck> {
  const models = modelIds.map((id) => catalog.get(id)).filter((model): model is ComfyUiCatalogModel => model?.engine === 'comfyui');
  const check: ComfyUiCheck = { problems: [], unreachable: [] };
  for (const baseUrl of new Set(models.map((model) => model.baseUrl))) {
    try {
      const [device] = (await describeComfyUiServer(baseUrl)).devices;
      shared.setComfyUiGpu(baseUrl, device ? gpuOf(device) : null);
      for (const model of models.filter((each) => each.baseUrl === baseUrl)) {
        const problems = await checkComfyUiWorkflow({ baseUrl, workflow: workflowOf(model), bindings: model.bindings, output: model.output });
        check.problems.push(...problems.map((problem) => `${model.id}: ${problem}`));
      }
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      check.unreachable.push({ baseUrl, error });
    }
  }
  return check;
}

const gpuOf = (device: { name: string; vramTotalBytes?: number }): GpuInfo => ({ name: device.name, vramBytes: device.vramTotalBytes ?? null });
