/**
 * The AppArmor annotation rule of the Pod Security Standards (baseline and restricted, check
 * `appArmorProfile`): a container's `container.apparmor.security.beta.kubernetes.io/<container>`
 * annotation may be unset, `runtime/default` or `localhost/<profile>`. One definition: the pod
 * settings' check (core/pod-settings.ts) and the restricted checker (kubernetes/restricted.ts) use it.
 */
export const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

/** Whether the standards allow this AppArmor annotation value. */
export function appArmorAnnotationAllowed(value: string): boolean {
  return value === "" || value === "runtime/default" || value.startsWith("localhost/");
}
