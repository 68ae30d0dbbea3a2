package cli

import (
	"bytes"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// gitBashCompletion lets git's own bash completion complete
// `git ai-survival <TAB>`: git calls _git_ai_survival (loading this file
// from the completions directory by the name git-ai-survival when it is
// not loaded yet), with words, cword and cur set. It asks the binary, as
// the completion of git-ai-survival itself does.
const gitBashCompletion = `
# git ai-survival <TAB>, through git's own completion.
_git_ai_survival ()
{
	local i start=0
	for ((i = 1; i < cword; i++)); do
		if [ "${words[i]}" = ai-survival ]; then
			start=$i
			break
		fi
	done
	[ "$start" -gt 0 ] || return 0
	local out
	out=$(git-ai-survival __complete "${words[@]:start+1:cword-start-1}" "$cur" 2>/dev/null) || return 0
	local directive=${out##*:}
	out=${out%:*}
	case $directive in *[!0-9]*|'') directive=0 ;; esac
	[ $((directive & 1)) -eq 0 ] || return 0
	local c list=""
	while IFS= read -r c; do
		[ -n "$c" ] && list+="${c%%$'\t'*}"$'\n'
	done <<< "$out"
	if [ -z "$list" ]; then
		[ $((directive & 4)) -ne 0 ] || COMPREPLY=($(compgen -f -- "$cur"))
		return 0
	fi
	local sfx=" "
	[ $((directive & 2)) -eq 0 ] || sfx=""
	__gitcomp_nl "${list%$'\n'}" "" "$cur" "$sfx"
}
`

func newCmdCompletion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "completion <bash|zsh|fish|powershell>",
		Short: "Print the shell completion script",
		Long: `Print the completion script of a shell. 'make install' installs the bash, zsh
and fish scripts where those shells look for them.

The bash and zsh scripts complete both 'git-ai-survival <TAB>' and, through
git's own completion, 'git ai-survival <TAB>' (bash: the _git_ai_survival
function git looks for; zsh: the _git-ai-survival function zsh's git
completion looks for).`,
		Example: `  # bash, for this shell
  $ source <(git ai-survival completion bash)

  # bash, for every shell (git's completion loads it when needed)
  $ git ai-survival completion bash > ~/.local/share/bash-completion/completions/git-ai-survival

  # zsh: a directory of $fpath, then restart zsh
  $ git ai-survival completion zsh > "${fpath[1]}/_git-ai-survival"

  # fish
  $ git ai-survival completion fish > ~/.config/fish/completions/git-ai-survival.fish`,
		ValidArgs:             []string{"bash", "zsh", "fish", "powershell"},
		Args:                  cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeCompletion(cmd.Root(), f.IO.Out, args[0])
		},
	}
}

// writeCompletion writes the completion script of shell for root.
func writeCompletion(root *cobra.Command, w io.Writer, shell string) error {
	switch shell {
	case "bash":
		if err := root.GenBashCompletionV2(w, true); err != nil {
			return err
		}
		_, err := io.WriteString(w, gitBashCompletion)
		return err
	case "zsh":
		var b bytes.Buffer
		if err := root.GenZshCompletion(&b); err != nil {
			return err
		}
		// Through zsh's git completion the function runs with words[1] =
		// "ai-survival": ask the binary by its name instead.
		script := strings.Replace(b.String(), `requestComp="${words[1]} __complete ${words[2,-1]}"`,
			`requestComp="git-ai-survival __complete ${words[2,-1]}"`, 1)
		_, err := io.WriteString(w, script)
		return err
	case "fish":
		return root.GenFishCompletion(w, true)
	case "powershell":
		return root.GenPowerShellCompletionWithDesc(w)
	}
	return usageError("unknown shell %q: use bash, zsh, fish or powershell", shell)
}

// formats are the --format values of each command, for completion.
var formats = map[string][]string{
	"report": {"text", "json", "markdown", "html"},
	"blame":  {"text", "json"},
	"show":   {"text", "json"},
	"status": {"text", "json"},
}

// completeFormats makes --format <TAB> offer each command's formats.
func completeFormats(root *cobra.Command) {
	for _, c := range root.Commands() {
		if vals, ok := formats[c.Name()]; ok && c.Flags().Lookup("format") != nil {
			_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(vals, cobra.ShellCompDirectiveNoFileComp))
		}
	}
}
