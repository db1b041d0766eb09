/** The local data plane's public API, for the ECS and ELBv2 emulators. */
export * from './types';
export { resolveImage, parseImageReference, IMAGE_BEHAVIOURS, ANY_OTHER_IMAGE, COLOUR_WORDS } from './images';
export type { ImageBehaviourRow, ImageReference } from './images';
export { imageBehavioursMarkdown } from './images-markdown';
export { launchTask } from './task-process';
export type { LocalTaskProcess } from './task-process';
export { TargetGroupHealth } from './health/target-group-health';
export type {
  LocalTargetGroupHealthOptions,
  TargetHealthChange,
  TargetHealthDescription,
  TargetHealthListener,
} from './health/target-group-health';
export { parseMatcher, InvalidMatcherError } from './health/matcher';
export { startListener } from './listener-server';
export type { LocalListenerOptions } from './listener-server';
