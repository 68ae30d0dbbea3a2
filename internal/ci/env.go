package ci

// Kind is the CI system a job runs on.
type Kind string

// The CI systems recognised.
const (
	None   Kind = ""
	GitHub Kind = "github"
	GitLab Kind = "gitlab"
)

// Env is what the CI system's environment says about the job.
type Env struct {
	Kind Kind

	// GitHub Actions.
	EventName   string // GITHUB_EVENT_NAME: pull_request, push, ...
	EventPath   string // GITHUB_EVENT_PATH: the event's JSON
	StepSummary string // GITHUB_STEP_SUMMARY: Markdown appended here
	Output      string // GITHUB_OUTPUT: name=value lines
	Ref         string // GITHUB_REF: refs/heads/main, refs/pull/1/merge, refs/tags/v1
	SHA         string // GITHUB_SHA / CI_COMMIT_SHA

	// GitLab CI.
	PipelineSource string // CI_PIPELINE_SOURCE: push, merge_request_event, ...
	MRBaseSHA      string // CI_MERGE_REQUEST_DIFF_BASE_SHA
	MRIID          string // CI_MERGE_REQUEST_IID
	MRSourceSHA    string // CI_MERGE_REQUEST_SOURCE_BRANCH_SHA (merged results pipelines)
	MRSourceBranch string // CI_MERGE_REQUEST_SOURCE_BRANCH_NAME
	Branch         string // CI_COMMIT_BRANCH
	DefaultBranch  string // CI_DEFAULT_BRANCH
	Tag            string // CI_COMMIT_TAG
}

// Detect reads the environment through getenv: GitHub Actions when
// GITHUB_ACTIONS=true, GitLab CI when GITLAB_CI=true, else None.
func Detect(getenv func(string) string) Env {
	switch {
	case getenv("GITHUB_ACTIONS") == "true":
		return Env{Kind: GitHub,
			EventName: getenv("GITHUB_EVENT_NAME"), EventPath: getenv("GITHUB_EVENT_PATH"),
			StepSummary: getenv("GITHUB_STEP_SUMMARY"), Output: getenv("GITHUB_OUTPUT"),
			Ref: getenv("GITHUB_REF"), SHA: getenv("GITHUB_SHA")}
	case getenv("GITLAB_CI") == "true":
		return Env{Kind: GitLab, SHA: getenv("CI_COMMIT_SHA"),
			PipelineSource: getenv("CI_PIPELINE_SOURCE"), MRBaseSHA: getenv("CI_MERGE_REQUEST_DIFF_BASE_SHA"),
			MRIID: getenv("CI_MERGE_REQUEST_IID"), MRSourceSHA: getenv("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"),
			MRSourceBranch: getenv("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"),
			Branch:         getenv("CI_COMMIT_BRANCH"),
			DefaultBranch:  getenv("CI_DEFAULT_BRANCH"), Tag: getenv("CI_COMMIT_TAG")}
	}
	return Env{}
}

// Name is the CI system's name for messages.
func (k Kind) Name() string {
	switch k {
	case GitHub:
		return "GitHub Actions"
	case GitLab:
		return "GitLab CI"
	}
	return "no CI system"
}
