// deploycheck validates Broadsheet's deployment files offline, without a
// Kubernetes cluster or a Docker engine:
//
//   - every kustomize overlay given with -kustomize is rendered with the
//     kustomize API (krusty) and every object is decoded strictly into its
//     k8s.io/api type: unknown or duplicate fields and wrong types fail.
//     Kinds of the optional operators component (Strimzi, CloudNativePG) are
//     custom resources whose schemas are not in k8s.io/api: they are checked
//     structurally (apiVersion, kind, metadata.name, an object spec). Any
//     other unknown kind fails.
//   - policy every Broadsheet workload must meet: probes, resources,
//     non-root, read-only root filesystem, all capabilities dropped, a Service
//     port named grpc, no Secret with data in the manifests.
//   - the compose file given with -compose is loaded with compose-go against
//     the compose specification's schema (unknown keys fail), then checked
//     for health checks and depends_on conditions.
//
// Exit status 0 when everything passes, 1 otherwise (every problem printed).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/loader"
	composetypes "github.com/compose-spec/compose-go/v2/types"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// Custom resources of components/operators, checked structurally.
var customResources = map[string]bool{
	"kafka.strimzi.io/v1beta2/Kafka":         true,
	"kafka.strimzi.io/v1beta2/KafkaNodePool": true,
	"kafka.strimzi.io/v1beta2/KafkaTopic":    true,
	"kafka.strimzi.io/v1beta2/KafkaUser":     true,
	"postgresql.cnpg.io/v1/Cluster":          true,
}

type checker struct {
	problems []string
	objects  int
}

func (c *checker) fail(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func newScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, policyv1.AddToScheme,
		autoscalingv2.AddToScheme, rbacv1.AddToScheme, networkingv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}

func (c *checker) checkOverlay(dir string) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resources, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		c.fail("%s: kustomize: %v", dir, err)
		return
	}
	scheme := newScheme()
	strict := kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme,
		kjson.SerializerOptions{Yaml: true, Strict: true})
	services := map[string]bool{}
	deployments := map[string]bool{}
	for _, r := range resources.Resources() {
		c.objects++
		data, err := r.AsYAML()
		if err != nil {
			c.fail("%s: %s: %v", dir, r.CurId(), err)
			continue
		}
		gvk := schema.FromAPIVersionAndKind(r.GetApiVersion(), r.GetKind())
		where := fmt.Sprintf("%s: %s %s", dir, gvk.Kind, r.GetName())
		if customResources[gvk.GroupVersion().String()+"/"+gvk.Kind] {
			c.checkCustomResource(where, data)
			continue
		}
		if !scheme.Recognizes(gvk) {
			c.fail("%s: unknown kind %s (not in k8s.io/api, not an allowed custom resource)", where, gvk)
			continue
		}
		obj, _, err := strict.Decode(data, nil, nil)
		if err != nil {
			c.fail("%s: %v", where, err)
			continue
		}
		switch o := obj.(type) {
		case *appsv1.Deployment:
			deployments[o.Name] = true
			c.checkDeployment(where, o)
		case *corev1.Service:
			services[o.Name] = true
			named := false
			for _, p := range o.Spec.Ports {
				named = named || p.Name == "grpc"
			}
			if !named {
				c.fail("%s: no port named grpc", where)
			}
		case *corev1.Secret:
			if len(o.Data) > 0 || len(o.StringData) > 0 {
				c.fail("%s: a Secret with data in the manifests; reference Secrets created outside them", where)
			}
		case *autoscalingv2.HorizontalPodAutoscaler:
			if o.Spec.MinReplicas != nil && *o.Spec.MinReplicas > o.Spec.MaxReplicas {
				c.fail("%s: minReplicas > maxReplicas", where)
			}
			if o.Spec.ScaleTargetRef.Name == "broadsheet-indexer" && o.Spec.MaxReplicas > 6 {
				c.fail("%s: maxReplicas %d exceeds the 6 partitions of broadsheet.articles", where, o.Spec.MaxReplicas)
			}
		}
	}
	for _, name := range []string{"broadsheet-ingest", "broadsheet-query", "broadsheet-indexer"} {
		if !deployments[name] || !services[name] {
			c.fail("%s: Deployment and Service %s expected", dir, name)
		}
	}
}

func (c *checker) checkCustomResource(where string, data []byte) {
	var obj map[string]any
	if err := yaml.UnmarshalStrict(data, &obj); err != nil {
		c.fail("%s: %v", where, err)
		return
	}
	meta, _ := obj["metadata"].(map[string]any)
	if name, _ := meta["name"].(string); name == "" {
		c.fail("%s: metadata.name missing", where)
	}
	if _, ok := obj["spec"].(map[string]any); !ok {
		c.fail("%s: spec missing or not an object", where)
	}
	for key := range obj {
		switch key {
		case "apiVersion", "kind", "metadata", "spec":
		default:
			c.fail("%s: unexpected top-level field %q", where, key)
		}
	}
}

func (c *checker) checkDeployment(where string, d *appsv1.Deployment) {
	pod := d.Spec.Template.Spec
	if pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot {
		c.fail("%s: pod securityContext.runAsNonRoot must be true", where)
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		c.fail("%s: automountServiceAccountToken must be false", where)
	}
	if pod.ServiceAccountName == "" {
		c.fail("%s: no serviceAccountName", where)
	}
	for _, ct := range pod.Containers {
		w := fmt.Sprintf("%s container %s", where, ct.Name)
		if ct.ReadinessProbe == nil || ct.ReadinessProbe.GRPC == nil {
			c.fail("%s: needs a gRPC readinessProbe", w)
		}
		if ct.LivenessProbe == nil || ct.LivenessProbe.GRPC == nil {
			c.fail("%s: needs a gRPC livenessProbe", w)
		}
		if ct.Resources.Requests.Cpu().IsZero() || ct.Resources.Requests.Memory().IsZero() ||
			ct.Resources.Limits.Memory().IsZero() {
			c.fail("%s: needs cpu/memory requests and a memory limit", w)
		}
		sc := ct.SecurityContext
		if sc == nil {
			c.fail("%s: no securityContext", w)
			continue
		}
		if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			c.fail("%s: readOnlyRootFilesystem must be true", w)
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			c.fail("%s: allowPrivilegeEscalation must be false", w)
		}
		dropAll := false
		if sc.Capabilities != nil {
			for _, cap := range sc.Capabilities.Drop {
				dropAll = dropAll || cap == "ALL"
			}
		}
		if !dropAll {
			c.fail("%s: capabilities must drop ALL", w)
		}
		for _, e := range ct.Env {
			lower := strings.ToLower(e.Name)
			if e.Value != "" && (strings.Contains(lower, "password") || strings.Contains(lower, "token_key") ||
				strings.Contains(lower, "secret")) && !strings.HasSuffix(e.Name, "_FILE") {
				c.fail("%s: %s holds a literal secret; use a Secret reference or a _FILE", w, e.Name)
			}
		}
	}
}

func (c *checker) checkCompose(path string) {
	// "a.yml,b.yml": an override file is checked merged onto its base.
	details := composetypes.ConfigDetails{Environment: map[string]string{}}
	for _, file := range strings.Split(path, ",") {
		abs, err := filepath.Abs(file)
		if err != nil {
			c.fail("%s: %v", file, err)
			return
		}
		content, err := os.ReadFile(abs)
		if err != nil {
			c.fail("%s: %v", file, err)
			return
		}
		if details.WorkingDir == "" {
			details.WorkingDir = filepath.Dir(abs)
		}
		details.ConfigFiles = append(details.ConfigFiles, composetypes.ConfigFile{Filename: abs, Content: content})
	}
	project, err := loader.LoadWithContext(context.Background(), details, func(o *loader.Options) {
		o.SetProjectName("broadsheet", true)
		o.SkipResolveEnvironment = true
	})
	if err != nil {
		c.fail("%s: %v", path, err)
		return
	}
	c.objects++
	for name, svc := range project.Services {
		where := fmt.Sprintf("%s: service %s", path, name)
		oneShot := svc.Restart == "no" || svc.Restart == "" && name == "init"
		if svc.HealthCheck == nil && !oneShot {
			c.fail("%s: no healthcheck", where)
		}
		for dep, cfg := range svc.DependsOn {
			if cfg.Condition != composetypes.ServiceConditionHealthy &&
				cfg.Condition != composetypes.ServiceConditionCompletedSuccessfully {
				c.fail("%s: depends_on %s must wait for service_healthy or service_completed_successfully", where, dep)
			}
		}
		for key, value := range svc.Environment {
			lower := strings.ToLower(key)
			if value != nil && (strings.Contains(lower, "password") || strings.Contains(lower, "token")) &&
				!strings.HasSuffix(key, "_FILE") {
				c.fail("%s: %s holds a literal secret; use a secret file", where, key)
			}
		}
	}
	if len(project.Secrets) == 0 {
		c.fail("%s: no secrets: credentials must come from secret files", path)
	}
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	var overlays multi
	var composeFiles multi
	flag.Var(&overlays, "kustomize", "a kustomization directory to render and check (repeatable)")
	flag.Var(&composeFiles, "compose", "a compose file to check (repeatable)")
	flag.Parse()
	if len(overlays)+len(composeFiles) == 0 {
		fmt.Fprintln(os.Stderr, "usage: deploycheck [-kustomize DIR]... [-compose FILE]...")
		os.Exit(2)
	}
	c := &checker{}
	for _, dir := range overlays {
		c.checkOverlay(dir)
	}
	for _, f := range composeFiles {
		c.checkCompose(f)
	}
	for _, p := range c.problems {
		fmt.Fprintln(os.Stderr, "FAIL:", p)
	}
	if len(c.problems) > 0 {
		fmt.Fprintf(os.Stderr, "deploycheck: %d problem(s)\n", len(c.problems))
		os.Exit(1)
	}
	fmt.Printf("deploycheck: %d object(s) in %d overlay(s) and %d compose file(s) valid\n",
		c.objects, len(overlays), len(composeFiles))
}
