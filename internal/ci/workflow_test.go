package ci

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const root = "../.."

type action struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Author      string            `yaml:"author"`
	Branding    map[string]string `yaml:"branding"`
	Inputs      map[string]struct {
		Description string  `yaml:"description"`
		Required    bool    `yaml:"required"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []step `yaml:"steps"`
	} `yaml:"runs"`
}

type step struct {
	Name  string            `yaml:"name"`
	Shell string            `yaml:"shell"`
	Dir   string            `yaml:"working-directory"`
	ID    string            `yaml:"id"`
	Uses  string            `yaml:"uses"`
	With  map[string]any    `yaml:"with"`
	Run   string            `yaml:"run"`
	Env   map[string]string `yaml:"env"`
}

type workflow struct {
	Name        string            `yaml:"name"`
	Permissions map[string]string `yaml:"permissions"`
	On          map[string]any    `yaml:"on"`
	Jobs        map[string]struct {
		RunsOn string `yaml:"runs-on"`
		Steps  []step `yaml:"steps"`
	} `yaml:"jobs"`
}

func parseYAML(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func loadAction(t *testing.T) action {
	var a action
	parseYAML(t, filepath.Join(root, "action.yml"), &a)
	return a
}

// The action is a valid composite action whose every input is documented
// and used, and whose outputs come from the measuring step.
func TestActionYAML(t *testing.T) {
	a := loadAction(t)
	if a.Name == "" || a.Description == "" || a.Runs.Using != "composite" || len(a.Runs.Steps) == 0 {
		t.Fatalf("action.yml is not a complete composite action: %+v", a)
	}
	var script strings.Builder
	ids := map[string]bool{}
	for _, s := range a.Runs.Steps {
		ids[s.ID] = true
		script.WriteString(s.Run)
		for _, v := range s.Env {
			script.WriteString(v + "\n")
		}
	}
	if !strings.Contains(script.String(), "git ai-survival ci") {
		t.Error("the action never runs git ai-survival ci")
	}
	for name, in := range a.Inputs {
		if in.Description == "" || in.Default == nil {
			t.Errorf("input %s lacks a description or default", name)
		}
		if !strings.Contains(script.String(), "${{ inputs."+name+" }}") {
			t.Errorf("input %s is declared but never used", name)
		}
	}
	// Inputs reach scripts through env only: no ${{ }} in run text.
	for _, s := range a.Runs.Steps {
		if strings.Contains(s.Run, "${{ inputs.") {
			t.Errorf("a run script interpolates an input (script injection): %q", s.Run)
		}
	}
	outRef := regexp.MustCompile(`^\$\{\{ steps\.([a-z]+)\.outputs\.([a-z_]+) \}\}$`)
	for name, out := range a.Outputs {
		m := outRef.FindStringSubmatch(out.Value)
		if m == nil || !ids[m[1]] || m[2] != name || out.Description == "" {
			t.Errorf("output %s = %q: not a documented step output of the same name", name, out.Value)
		}
	}
	for _, want := range []string{"ai_survival_rate", "human_survival_rate", "ai_share"} {
		if _, ok := a.Outputs[want]; !ok {
			t.Errorf("the action has no output %s", want)
		}
	}
}

// The workflows parse, and every use of this repository's action passes
// only inputs the action declares.
func TestWorkflowsUseDeclaredInputs(t *testing.T) {
	a := loadAction(t)
	files, _ := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	if len(files) == 0 {
		t.Fatal("no workflow in .github/workflows")
	}
	usesAction := 0
	for _, f := range files {
		var w workflow
		parseYAML(t, f, &w)
		if len(w.Jobs) == 0 || w.On == nil {
			t.Errorf("%s: no trigger or no job", f)
		}
		for name, job := range w.Jobs {
			if job.RunsOn == "" || len(job.Steps) == 0 {
				t.Errorf("%s: job %s has no runner or no step", f, name)
			}
			for _, s := range job.Steps {
				if s.Uses != "./" && !strings.HasPrefix(s.Uses, "git-ai-survival/git-ai-survival@") {
					continue
				}
				usesAction++
				checkWith(t, f, a, s.With)
			}
		}
	}
	if usesAction == 0 {
		t.Error("no workflow runs this repository's action")
	}
}

func checkWith(t *testing.T, where string, a action, with map[string]any) {
	t.Helper()
	var declared []string
	for k := range a.Inputs {
		declared = append(declared, k)
	}
	sort.Strings(declared)
	for k := range with {
		if _, ok := a.Inputs[k]; !ok {
			t.Errorf("%s: input %q is not one of the action's (%s)", where, k, strings.Join(declared, ", "))
		}
	}
}

// The snippets in README and docs/gitlab-ci.md are valid YAML; the
// README's uses only declared inputs.
func TestDocumentedSnippets(t *testing.T) {
	a := loadAction(t)
	block := regexp.MustCompile("(?s)```yaml\n(.*?)```")
	for _, doc := range []string{"README.md", "docs/gitlab-ci.md"} {
		data, err := os.ReadFile(filepath.Join(root, doc))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range block.FindAllStringSubmatch(string(data), -1) {
			var v any
			if err := yaml.Unmarshal([]byte(m[1]), &v); err != nil {
				t.Errorf("%s: snippet is not valid YAML: %v\n%s", doc, err, m[1])
				continue
			}
			if !strings.Contains(m[1], "git-ai-survival/git-ai-survival@") {
				continue
			}
			var steps struct {
				Steps []step `yaml:"steps"`
			}
			if err := yaml.Unmarshal([]byte(m[1]), &steps); err != nil {
				t.Errorf("%s: %v", doc, err)
			}
			for _, s := range steps.Steps {
				if strings.HasPrefix(s.Uses, "git-ai-survival/git-ai-survival@") {
					checkWith(t, doc, a, s.With)
				}
			}
		}
	}
	var gl map[string]struct {
		Script    []string `yaml:"script"`
		Artifacts struct {
			Paths   []string          `yaml:"paths"`
			Reports map[string]string `yaml:"reports"`
		} `yaml:"artifacts"`
	}
	data, _ := os.ReadFile(filepath.Join(root, "docs", "gitlab-ci.md"))
	m := block.FindStringSubmatch(string(data))
	if m == nil {
		t.Fatal("docs/gitlab-ci.md has no job")
	}
	if err := yaml.Unmarshal([]byte(m[1]), &gl); err != nil {
		t.Fatal(err)
	}
	job := gl["ai-survival"]
	if job.Artifacts.Reports["metrics"] != "metrics.txt" || !strings.Contains(strings.Join(job.Script, "\n"), "git ai-survival ci") {
		t.Errorf("the GitLab job does not run ci and report metrics.txt: %+v", job)
	}
}
