/**
 * The one error type of the engine. The server renders it as the EC2 error envelope
 * (<Response><Errors><Error><Code/><Message/>…) with `status` as the HTTP status.
 * Codes and message wording follow AWS's "Error codes for the Amazon EC2 API" page and
 * observed AWS responses (see ../shared/reference/aws-behaviour.md §8).
 */
export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    // A refusal is an answer, not a bug: no stack trace (capturing one cost up to 8 % of a busy profile).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'Ec2Error';
  }
}

export const isEc2Error = (e: unknown): e is Ec2Error => e instanceof Ec2Error;

/** `InvalidParameterValue`, the catch-all for a malformed or out-of-range value. */
export const invalidValue = (message: string) => new Ec2Error('InvalidParameterValue', message);

/** AWS's wording for a bad value of a named parameter. */
export const invalidParam = (value: unknown, param: string, why?: string) =>
  invalidValue(`Value (${String(value)}) for parameter ${param} is invalid.${why ? ` ${why}` : ''}`);

export const missingParam = (param: string) => new Ec2Error('MissingParameter', `The request must contain the parameter ${param}`);

export const invalidCombination = (message: string) => new Ec2Error('InvalidParameterCombination', message);

export const dryRunOk = () => new Ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
