/** Attachment ids (`eni-attach-` + hex) are checked for form before lookup, as AWS does. */
import { checkId, ID_KINDS } from '../engine/ids.js';

export function parseAttachmentId(id: string): string {
  checkId(ID_KINDS.attachment, id);
  return id;
}
