/**
 * Elements AWS sends even when they hold nothing, per output shape: the encoder writes them as an
 * empty element (`<tagSet/>`) when a handler leaves them out. Everything else that is absent or
 * empty is left out, as AWS does for most elements. Each entry says where the evidence is.
 */
export const ALWAYS_PRESENT: Readonly<Record<string, readonly string[]>> = {};
