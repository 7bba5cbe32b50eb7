# KubeGuard sample policy, served to OpaPolicyEngine at /v1/data/kubeguard/decision.
#
# input is the SubjectAccessReview Kubernetes' authorization webhook sends (apiVersion, kind,
# spec), plus KubeGuard's request and context. Empty fields are left out, as Kubernetes leaves
# them out, so every field is read with a default.
#
#   - group developers: read-only (get, list, watch), secrets excepted;
#   - group operators: read and write namespaced resources outside kube-system;
#   - group cluster-admins: anything not denied below; the only group that may touch secrets;
#   - exec, attach and port-forward: group break-glass only, recorded with bodies;
#   - delete and deletecollection in namespaces named prod-*: allowed only after an approval;
#   - discovery (/api, /apis, /version, ...): every authenticated user.
package kubeguard

spec := object.get(input, "spec", {})

ra := object.get(spec, "resourceAttributes", {})

nra := object.get(spec, "nonResourceAttributes", {})

groups := object.get(spec, "groups", [])

is_resource_request if "resourceAttributes" in object.keys(spec)

# A question has either resourceAttributes or nonResourceAttributes, never both.
verb := object.get(ra, "verb", object.get(nra, "verb", ""))

namespace := object.get(ra, "namespace", "")

api_group := object.get(ra, "group", "")

resource := object.get(ra, "resource", "")

subresource := object.get(ra, "subresource", "")

read_verbs := {"get", "list", "watch"}

write_verbs := {"create", "update", "patch", "delete", "deletecollection"}

operator_verbs := read_verbs | write_verbs

remote_shell := {"exec", "attach", "portforward"}

admin if "cluster-admins" in groups

is_secret if {
	resource == "secrets"
	api_group == ""
}

is_remote_shell if {
	resource == "pods"
	subresource in remote_shell
}

production if startswith(namespace, "prod-")

# Deny: any reason here denies, whatever grants below say.

deny contains "exec, attach and port-forward are reserved for group break-glass" if {
	is_remote_shell
	not "break-glass" in groups
}

deny contains "secrets are reserved for group cluster-admins" if {
	is_secret
	not admin
}

# KubeGuard leaves out bodies over its bound (1 MiB by default): do not approve what was not seen.
deny contains "the request body was too large for policy review" if {
	input.request.bodyTruncated == true
}

# Grants: a reason here allows, unless something above denies.

grants contains "cluster-admins may do anything not denied" if admin

grants contains "developers may read" if {
	"developers" in groups
	verb in read_verbs
}

grants contains "operators may change namespaced resources outside kube-system" if {
	"operators" in groups
	verb in operator_verbs
	namespace != ""
	namespace != "kube-system"
}

grants contains "break-glass may open a shell" if {
	"break-glass" in groups
	is_remote_shell
	verb in {"create", "get"}
}

grants contains "everyone may read discovery documents" if {
	not is_resource_request
	verb == "get"
	discovery_path(object.get(nra, "path", ""))
}

discovery_path(p) if p in {"/api", "/apis", "/version", "/healthz", "/readyz", "/livez", "/openapi/v2"}

discovery_path(p) if startswith(p, "/api/")

discovery_path(p) if startswith(p, "/apis/")

discovery_path(p) if startswith(p, "/openapi/v3")

default allow := false

allow if count(grants) > 0

# Approval: only for what would otherwise be allowed, so an approval never widens anyone's rights.
needs_approval if {
	allow
	verb in {"delete", "deletecollection"}
	production
}

default audit_level := "Metadata"

audit_level := "RequestResponse" if {
	is_remote_shell
} else := "Request" if {
	verb in write_verbs
}

default reasons := ["no rule allows this request"]

reasons := sort(deny) if {
	count(deny) > 0
} else := ["deletes in production namespaces need an approval from cluster-admins"] if {
	needs_approval
} else := sort(grants) if {
	allow
}

default approval := {}

approval := {"require_approval": {
	"approver_groups": ["cluster-admins"],
	"count": 1,
	"ttl": "30m",
	"mode": "request_then_retry",
}} if needs_approval

# The document KubeGuard reads. deny wins over require_approval, which wins over allow.
decision := object.union(
	{
		"allow": allow,
		"deny": deny,
		"reasons": reasons,
		"audit_level": audit_level,
	},
	approval,
)
