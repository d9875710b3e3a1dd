// The built-in processing templates (issue 10 item 1): data in the versioned JSON beside
// this file, checked at load by shared/domain/workflow.ts validateTemplateSet (a bad file
// fails loudly, naming the template and the step). A province publishes its own set the
// same way, with its own id and a higher version.
import { type TemplateSet, validateTemplateSet } from '../../domain/workflow';
import raw from './templates-2025-07.json';

export const BUILTIN_TEMPLATES: TemplateSet = validateTemplateSet(raw);
