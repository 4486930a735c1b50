/** IAM documents for the workload's role, built from typed pieces. Pure: plain strings in, JSON out. */

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: { Federated?: string; Service?: string };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: { [operator: string]: { [key: string]: string | string[] } };
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface KmsGrant {
  keyArn: string;
  /** The store endpoints allowed to use the key on the role's behalf, e.g. `secretsmanager.eu-west-1.amazonaws.com`. */
  viaServices: string[];
}

export interface ReadGrants {
  /** Secrets Manager secret ARNs (exact, or `name-??????` for existing secrets named without ARN). */
  secretArns: string[];
  /** SSM parameter ARNs. */
  parameterArns: string[];
  kms: KmsGrant[];
  /**
   * Allow `secretsmanager:BatchGetSecretValue` (default: when more than one secret is granted).
   * Set when the role's secrets are split over several policies and this one holds few of them.
   */
  batch?: boolean;
}

const uniqSorted = (xs: string[]) => [...new Set(xs)].sort();

/**
 * The role's permission policy: read exactly the declared secrets and parameters, decrypt with
 * their customer keys only through those stores, and nothing else. The only `*` resource is
 * `secretsmanager:BatchGetSecretValue`, which AWS accepts on no other resource; a batch still
 * returns only secrets the role may `GetSecretValue`.
 */
export function readPolicy(grants: ReadGrants): PolicyDocument {
  const statements: PolicyStatement[] = [];
  const secrets = uniqSorted(grants.secretArns);
  if (secrets.length) {
    statements.push({
      Sid: "ReadDeclaredSecrets",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: secrets,
    });
  }
  if (secrets.length > 0 && (grants.batch ?? secrets.length > 1)) {
    statements.push({
      Sid: "BatchReadDeclaredSecrets",
      Effect: "Allow",
      Action: "secretsmanager:BatchGetSecretValue",
      Resource: "*",
    });
  }
  const parameters = uniqSorted(grants.parameterArns);
  if (parameters.length) {
    statements.push({
      Sid: "ReadDeclaredParameters",
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:GetParameters"],
      Resource: parameters,
    });
  }
  const byKey = new Map<string, Set<string>>();
  for (const g of grants.kms) {
    const set = byKey.get(g.keyArn) ?? new Set<string>();
    g.viaServices.forEach((v) => set.add(v));
    byKey.set(g.keyArn, set);
  }
  [...byKey.keys()].sort().forEach((keyArn, i) => {
    const via = [...byKey.get(keyArn)!].sort();
    statements.push({
      Sid: `DecryptViaStores${i}`,
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: keyArn,
      Condition: { StringEquals: { "kms:ViaService": via.length === 1 ? via[0] : via } },
    });
  });
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * IRSA trust: only this cluster's OIDC provider, only tokens for exactly this service account,
 * only with the STS audience. `issuer` is the issuer's host and path (`oidc.eks.<region>.amazonaws.com/id/<ID>`),
 * the one `oidcProviderArn` names.
 */
export function irsaTrustPolicy(p: {
  oidcProviderArn: string;
  issuer: string;
  namespace: string;
  serviceAccountName: string;
}): PolicyDocument {
  const issuer = p.issuer;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ServiceAccountWebIdentity",
        Effect: "Allow",
        Principal: { Federated: p.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${p.namespace}:${p.serviceAccountName}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}

/**
 * EKS Pod Identity trust: the pods.eks.amazonaws.com service, narrowed by the session tags it
 * sets (EKS user guide, "Define permissions for EKS Pod Identities to assume roles by tags") to
 * this account, cluster, namespace and service account. The cluster is pinned by its ARN
 * (`eks-cluster-arn`): a cluster name is unique only within one account and region.
 */
export function podIdentityTrustPolicy(p: {
  accountId: string;
  clusterArn: string;
  namespace: string;
  serviceAccountName: string;
}): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EksPodIdentityForServiceAccount",
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:SourceAccount": p.accountId,
            "aws:RequestTag/eks-cluster-arn": p.clusterArn,
            "aws:RequestTag/kubernetes-namespace": p.namespace,
            "aws:RequestTag/kubernetes-service-account": p.serviceAccountName,
          },
        },
      },
    ],
  };
}
