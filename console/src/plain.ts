/** EC2 error codes in plain words: what the refusal means, before the server's own message. */
const PLAIN: Record<string, string> = {
  InvalidParameterValue: 'A value in the request was not accepted.',
  InvalidParameterCombination: 'These settings cannot be used together.',
  MissingParameter: 'Something the action needs was left out.',
  OperationNotPermitted: 'This is not allowed.',
  IncorrectInstanceState: 'The instance is not in a state that allows this.',
  IncorrectState: 'The resource is not in a state that allows this.',
  AttachmentLimitExceeded: 'The instance type cannot take another network interface.',
  PrivateIpAddressLimitExceeded: 'The interface cannot hold more addresses (its instance type sets the limit).',
  'InvalidIPAddress.InUse': 'That address is already in use.',
  'Resource.AlreadyAssociated': 'Already associated: tick "allow reassociation" to move it.',
  InsufficientFreeAddressesInSubnet: 'The subnet has no free addresses left.',
  AddressLimitExceeded: 'The region has reached its Elastic IP quota.',
  InvalidInstanceID: 'That instance cannot be used for this.',
  AuthFailure: 'The account or region was refused.',
  UnsupportedOperation: 'ec2net does not support this yet.',
  InternalError: 'The server failed unexpectedly (a bug in ec2net).',
};

export function plainWords(code: string | undefined): string {
  if (!code) return 'The request was refused.';
  if (PLAIN[code]) return PLAIN[code]!;
  if (code.endsWith('.NotFound')) return 'It does not exist any more (deleted or never there).';
  if (code.endsWith('.Malformed')) return 'An identifier is not well formed.';
  if (code.endsWith('LimitExceeded')) return 'A limit would be exceeded.';
  return 'The request was refused.';
}
