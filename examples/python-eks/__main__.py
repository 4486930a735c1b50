"""The billing API of examples/eks, declared from Python.

The classes come from the SDK Pulumi generates from the component's schema. Args classes carry
their TypeScript names (`SecretArgs`, `ContainerArgs`, ...: the schema types are `Secret`,
`Container`, ... and Pulumi's Python codegen appends `Args` to input types), and every `as const`
choice becomes an enum (`GenerateType.PASSWORD`, ...).
"""
import pulumi
import pulumi_secret_mount as secret_mount

config = pulumi.Config()

billing = secret_mount.SecretMountedWorkload(
    "billing-api",
    namespace=config.get("namespace") or "billing",
    create_namespace=True,
    eks=secret_mount.EksPlatformArgs(
        identity=secret_mount.EksIdentity.IRSA,
        oidc_issuer_url=config.require("oidcIssuerUrl"),
        # Optional: derived from the issuer (IAM names the OIDC provider after it); given, it must match.
        oidc_provider_arn=config.get("oidcProviderArn"),
    ),
    secrets=[
        # Generated at `pulumi up`, stored in Secrets Manager; the value never passes through this program.
        secret_mount.SecretArgs(
            name="db-password",
            generate=secret_mount.GenerateArgs(type=secret_mount.GenerateType.PASSWORD, length=32),
        ),
        # A key pair: stored as one JSON secret, written as two PEM files.
        secret_mount.SecretArgs(
            name="signing-key",
            generate=secret_mount.GenerateArgs(type=secret_mount.GenerateType.ECDSA, ecdsa_curve=secret_mount.EcdsaCurve.P256),
        ),
        # An existing JSON secret fanned out into one file per key.
        secret_mount.SecretArgs(
            name="stripe",
            existing=secret_mount.ExistingSecretArgs(arn=config.require("stripeSecretArn")),
            files=[
                secret_mount.SecretFileArgs(path="stripe/api-key", json_key="apiKey"),
                secret_mount.SecretFileArgs(path="stripe/webhook-secret", json_key="webhookSecret"),
            ],
        ),
        # An SSM SecureString parameter.
        secret_mount.SecretArgs(
            name="feature-flags",
            aws=secret_mount.AwsSecretArgs(store=secret_mount.AwsSecretStore.SSM_PARAMETER),
            generate=secret_mount.GenerateArgs(type=secret_mount.GenerateType.PASSWORD, length=24, special=False),
        ),
    ],
    containers=[
        secret_mount.ContainerArgs(
            name="api",
            image=config.get("image") or "public.ecr.aws/docker/library/busybox:1.37",
            # Stand-in for the real app: shows the files and waits. Replace with your image.
            command=["sh", "-c", "ls -lL /run/secrets/app /run/secrets/app/stripe && exec sleep 86400"],
            run_as_user=10001,
            run_as_group=10001,
            ports=[secret_mount.ContainerPortArgs(name="http", container_port=8080)],
            resources=secret_mount.ResourcesArgs(
                requests={"cpu": "50m", "memory": "64Mi"},
                limits={"memory": "128Mi"},
            ),
        )
    ],
    # For apps that want env vars: a dotenv file built from the secret files.
    env_file=secret_mount.EnvFileArgs(vars={"DB_PASSWORD": "db-password"}),
    # The fetch image you built and pushed, pinned by digest (it holds the role that reads every secret).
    fetch=secret_mount.FetchContainerArgs(image=config.require("fetchImage")),
)

pulumi.export("roleArn", billing.role_arn)
pulumi.export("serviceAccountName", billing.service_account_name)
pulumi.export("deploymentName", billing.deployment_name)
pulumi.export("mountPath", billing.mount_path)
pulumi.export("fetchSpec", billing.fetch_spec)
pulumi.export("permissionPolicy", billing.permission_policy)
