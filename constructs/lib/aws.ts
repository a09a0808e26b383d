/**
 * AWS facts the constructs check: IAM role ARNs (IRSA, IAM Roles for Service Accounts) and region names.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html (ARN format)
 * @see https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html (the annotation)
 */
import { refuse, z } from './options';

/** The ServiceAccount annotation the EKS pod identity webhook reads. */
export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';

// arn:<partition>:iam::<12-digit account>:role/<optional path/><name>; names and path segments use [\w+=,.@-].
const ROLE_ARN = /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]+)$/;

/** Why `value` is not an IAM role ARN, or `undefined`. */
export function awsRoleArnProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be an IAM role ARN string';
  const match = ROLE_ARN.exec(value);
  if (match === null) {
    if (/^arn:[^:]+:iam::[^:]*:/.test(value) && !/^arn:[^:]+:iam::\d{12}:/.test(value)) return 'has no 12-digit AWS account id';
    return "is not an IAM role ARN of the form 'arn:aws:iam::<12-digit account>:role/<name>'";
  }
  const name = match[4] ?? '';
  if (name.length > 64) return `role name '${name}' is longer than 64 characters`;
  return undefined;
}

/** An IAM role ARN (checked). */
export const awsRoleArnSchema = z.string().superRefine((value, ctx) => {
  const problem = awsRoleArnProblem(value);
  if (problem) refuse(ctx, problem, "use the role's ARN as IAM shows it, e.g. 'arn:aws:iam::123456789012:role/orders-api'");
});

/** An AWS region name (`us-east-1`, `eu-central-2`, `us-gov-west-1`). */
export const awsRegionSchema = z.string().superRefine((value, ctx) => {
  if (!/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(value)) refuse(ctx, `'${value}' is not an AWS region name`, "use a region such as 'us-east-1'");
});
