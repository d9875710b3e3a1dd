// What capture hands its pages to: the page store's addPages (electron/services/pages),
// bound to its context by app.ts. A function type here so capture does not depend on
// how the page store is built.
import type { PageInfo, PageSource } from '../../../shared/ipc/pages';

export interface AddPagesInput {
  dossierId: string;
  componentId: string;
  images: { data: Buffer; fileName?: string; mime?: string }[];
  source: PageSource;
  dpi?: number;
  actor: string;
}

export type PageSink = (input: AddPagesInput) => PageInfo[] | Promise<PageInfo[]>;
