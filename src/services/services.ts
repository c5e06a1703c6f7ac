import type { CircleService } from './circle-service.ts';

/** Everything a handler may call. Built once at start-up (src/app.ts) and handed to the router. */
export interface Services {
  readonly circle: CircleService;
}
