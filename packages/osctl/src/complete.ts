import type { Command, Option } from 'commander';

/**
 * Candidates for the next word after `words` (the words typed so far, without the program name).
 * Walks the command tree: subcommands and their aliases descend, options are skipped together with
 * their value when they take one. Returns the subcommands and the long options of where it ends.
 */
export function completionCandidates(root: Command, words: readonly string[]): string[] {
  let cmd = root;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w === '--') break;
    if (w.startsWith('-')) {
      const opt = findOption(cmd, w);
      if (opt !== undefined && takesValue(opt) && !w.includes('=')) i++;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (sub !== undefined) cmd = sub;
  }
  const subs = cmd.commands.filter((c) => !isHidden(c)).map((c) => c.name());
  const opts = allOptions(cmd)
    .map((o) => o.long)
    .filter((l): l is string => l !== undefined);
  return [...subs, ...opts, '--help'];
}

function allOptions(cmd: Command): readonly Option[] {
  const out: Option[] = [...cmd.options];
  for (let p = cmd.parent; p !== null; p = p.parent) out.push(...p.options);
  return out;
}

function findOption(cmd: Command, word: string): Option | undefined {
  const flag = word.split('=')[0];
  return allOptions(cmd).find((o) => o.long === flag || o.short === flag);
}

function takesValue(opt: Option): boolean {
  return opt.required || opt.optional;
}

function isHidden(cmd: Command): boolean {
  return cmd.name().startsWith('__');
}

export function bashCompletionScript(prog: string): string {
  return `# bash completion for ${prog}; load with: source <(${prog} completion bash)
_${prog}_complete() {
  local cur=\${COMP_WORDS[COMP_CWORD]}
  local IFS=$'\\n'
  local words=("\${COMP_WORDS[@]:1:COMP_CWORD-1}")
  COMPREPLY=($(compgen -W "$(${prog} __complete -- "\${words[@]}" 2>/dev/null)" -- "$cur"))
}
complete -o default -F _${prog}_complete ${prog}
`;
}

export function zshCompletionScript(prog: string): string {
  return `#compdef ${prog}
# zsh completion for ${prog}; load with: source <(${prog} completion zsh)
_${prog}_complete() {
  local -a candidates
  candidates=("\${(@f)$(${prog} __complete -- "\${(@)words[2,CURRENT-1]}" 2>/dev/null)}")
  compadd -a candidates
}
if (( $+functions[compdef] )); then compdef _${prog}_complete ${prog}; fi
`;
}
