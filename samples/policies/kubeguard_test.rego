# Unit tests for kubeguard.rego: opa test samples/policies -v
package kubeguard_test

import data.kubeguard

# The input KubeGuard sends for a resource question (empty fields left out).
resource_question(user, user_groups, attrs) := q if {
	q := {
		"apiVersion": "authorization.k8s.io/v1",
		"kind": "SubjectAccessReview",
		"spec": {"resourceAttributes": attrs, "user": user, "groups": user_groups},
		"context": {"tool": "", "sessionId": "", "correlationId": "", "dryRun": false, "time": "2026-11-27T10:15:30Z"},
	}
}

test_developers_may_list_pods if {
	d := kubeguard.decision with input as resource_question("dana", ["developers"], {"verb": "list", "version": "v1", "resource": "pods", "namespace": "team-a"})
	d.allow == true
	count(d.deny) == 0
	not d.require_approval
	d.audit_level == "Metadata"
}

test_developers_may_not_delete if {
	d := kubeguard.decision with input as resource_question("dana", ["developers"], {"verb": "delete", "version": "v1", "resource": "pods", "namespace": "team-a", "name": "web-1"})
	d.allow == false
	not d.require_approval
	d.reasons == ["no rule allows this request"]
}

test_developers_may_not_read_secrets if {
	d := kubeguard.decision with input as resource_question("dana", ["developers"], {"verb": "get", "version": "v1", "resource": "secrets", "namespace": "team-a", "name": "db"})
	"secrets are reserved for group cluster-admins" in d.deny
}

test_cluster_admins_may_read_secrets if {
	d := kubeguard.decision with input as resource_question("root", ["cluster-admins"], {"verb": "get", "version": "v1", "resource": "secrets", "namespace": "team-a", "name": "db"})
	d.allow == true
	count(d.deny) == 0
}

test_operators_need_approval_to_delete_in_production if {
	d := kubeguard.decision with input as resource_question("olga", ["operators"], {"verb": "delete", "group": "apps", "version": "v1", "resource": "deployments", "namespace": "prod-web", "name": "web"})
	d.allow == true
	count(d.deny) == 0
	d.require_approval.approver_groups == ["cluster-admins"]
	d.require_approval.count == 1
	d.require_approval.ttl == "30m"
	d.require_approval.mode == "request_then_retry"
	d.audit_level == "Request"
}

test_cluster_admins_need_approval_for_deletecollection_in_production if {
	d := kubeguard.decision with input as resource_question("root", ["cluster-admins"], {"verb": "deletecollection", "version": "v1", "resource": "configmaps", "namespace": "prod-db"})
	d.require_approval.count == 1
}

test_operators_delete_outside_production_without_approval if {
	d := kubeguard.decision with input as resource_question("olga", ["operators"], {"verb": "delete", "group": "apps", "version": "v1", "resource": "deployments", "namespace": "staging", "name": "web"})
	d.allow == true
	not d.require_approval
}

test_operators_stay_out_of_kube_system if {
	d := kubeguard.decision with input as resource_question("olga", ["operators"], {"verb": "patch", "group": "apps", "version": "v1", "resource": "daemonsets", "namespace": "kube-system", "name": "kube-proxy"})
	d.allow == false
}

# Impersonation is cluster-scoped; the namespace is set so only the verb can keep it out.
test_operators_may_not_impersonate if {
	d := kubeguard.decision with input as resource_question("olga", ["operators"], {"verb": "impersonate", "version": "v1", "resource": "users", "name": "root", "namespace": "team-a"})
	d.allow == false
}

test_nobody_but_break_glass_may_exec if {
	d := kubeguard.decision with input as resource_question("root", ["cluster-admins"], {"verb": "create", "version": "v1", "resource": "pods", "subresource": "exec", "namespace": "team-a", "name": "web-1"})
	"exec, attach and port-forward are reserved for group break-glass" in d.deny
}

test_break_glass_may_exec_and_is_recorded_in_full if {
	d := kubeguard.decision with input as resource_question("eve", ["break-glass"], {"verb": "create", "version": "v1", "resource": "pods", "subresource": "exec", "namespace": "team-a", "name": "web-1"})
	d.allow == true
	count(d.deny) == 0
	d.audit_level == "RequestResponse"
}

test_port_forward_is_a_remote_shell_too if {
	d := kubeguard.decision with input as resource_question("dana", ["developers"], {"verb": "create", "version": "v1", "resource": "pods", "subresource": "portforward", "namespace": "team-a", "name": "web-1"})
	count(d.deny) == 1
}

test_everyone_may_read_discovery if {
	d := kubeguard.decision with input as {
		"apiVersion": "authorization.k8s.io/v1",
		"kind": "SubjectAccessReview",
		"spec": {"nonResourceAttributes": {"path": "/apis/apps/v1", "verb": "get"}, "user": "anyone", "groups": ["system:authenticated"]},
	}
	d.allow == true
}

test_a_body_too_large_to_review_is_denied if {
	q := resource_question("root", ["cluster-admins"], {"verb": "create", "version": "v1", "resource": "configmaps", "namespace": "team-a"})
	d := kubeguard.decision with input as object.union(q, {"request": {"bodyTruncated": true, "body": null}})
	"the request body was too large for policy review" in d.deny
}

test_unknown_users_get_nothing if {
	d := kubeguard.decision with input as resource_question("mallory", ["system:authenticated"], {"verb": "get", "version": "v1", "resource": "pods", "namespace": "team-a"})
	d.allow == false
	d.reasons == ["no rule allows this request"]
}

test_an_empty_input_still_has_a_decision if {
	d := kubeguard.decision with input as {}
	d.allow == false
}
