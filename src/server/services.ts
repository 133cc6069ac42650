/**
 * Which AWS service a Query request on this one endpoint is for. AWS has an endpoint per service;
 * tools pointed at ec2net through one URL (`AWS_ENDPOINT_URL`, Ansible's `AWS_URL`, Terraform's
 * `endpoints`) send EC2, STS and sometimes IAM requests to it. A signed request names its service in
 * its SigV4 credential scope (`AKID/20250101/us-east-1/sts/aws4_request`); an unsigned one is known by
 * its Action and Version (STS: 2011-06-15, IAM: 2010-05-08).
 */
export type ServiceName = 'ec2' | 'sts' | 'iam';

export const STS_VERSION = '2011-06-15';
export const IAM_VERSION = '2010-05-08';
export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

/** `scopeService`: the credential scope's service, when the request carries one. */
export function serviceOf(scopeService: string | undefined, params: URLSearchParams): ServiceName {
  if (scopeService === 'sts' || scopeService === 'iam' || scopeService === 'ec2') return scopeService;
  if (scopeService !== undefined) return 'ec2';
  const version = params.get('Version');
  if (version === STS_VERSION) return 'sts';
  if (version === IAM_VERSION) return 'iam';
  return 'ec2';
}
