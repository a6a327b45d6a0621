/**
 * The one error hierarchy of the platform. Adapters translate vendor errors into these at the
 * boundary; the HTTP layer maps them to problem-details JSON (RFC 9457) in one middleware.
 */

/** One problem with one field of one record (row is 1-based, as a spreadsheet shows it). */
export interface FieldIssue {
  field: string;
  reason: string;
  row?: number;
  value?: unknown;
}

export abstract class BrainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Whether the same call may succeed if retried unchanged. */
  readonly retriable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends BrainError {
  readonly status = 400;
  readonly code = 'validation';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

export class UnauthorizedError extends BrainError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

export class ForbiddenError extends BrainError {
  readonly status = 403;
  readonly code = 'forbidden';
}

export class NotFoundError extends BrainError {
  readonly status = 404;
  readonly code = 'not-found';
}

/** Optimistic concurrency: the stream is not at the version the caller expected. */
export class ConflictError extends BrainError {
  readonly status = 409;
  readonly code = 'conflict';
  constructor(
    message: string,
    readonly streamId?: string,
    readonly expected?: unknown,
    readonly actual?: number,
  ) {
    super(message);
  }
}

/** A business rule refuses the command (e.g. a tenant graduating twice). */
export class IllegalStateError extends BrainError {
  readonly status = 422;
  readonly code = 'illegal-state';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

export class InfrastructureError extends BrainError {
  /** 503, or 507 when the storage under the data folder is full (nothing of the request was stored). */
  readonly status: 503 | 507;
  readonly code = 'infrastructure';
  override readonly retriable: boolean;
  constructor(message: string, options: { retriable: boolean; cause?: unknown; status?: 503 | 507 }) {
    super(message, { cause: options.cause });
    this.retriable = options.retriable;
    this.status = options.status ?? 503;
  }
}

export function isBrainError(err: unknown): err is BrainError {
  return err instanceof BrainError;
}
