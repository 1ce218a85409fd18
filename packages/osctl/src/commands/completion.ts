import { Argument, Command } from 'commander';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { bashCompletionScript, completionCandidates, zshCompletionScript } from '../complete.ts';

export function completionCommand(io: Io): Command {
  return new Command('completion')
    .summary('print a shell completion script (bash or zsh)')
    .description(
      'Print a completion script for the given shell.\n\n' +
        'bash:  source <(osctl completion bash)         # add to ~/.bashrc to keep it\n' +
        'zsh:   source <(osctl completion zsh)          # add to ~/.zshrc to keep it',
    )
    .addArgument(new Argument('<shell>', 'the shell to complete for').choices(['bash', 'zsh']))
    .helpGroup(Group.Other)
    .action((shell: 'bash' | 'zsh') => {
      io.out(shell === 'bash' ? bashCompletionScript('osctl') : zshCompletionScript('osctl'));
    });
}

/** The hidden command the completion scripts call: prints one candidate a line. */
export function completeCommand(io: Io, root: () => Command): Command {
  return new Command('__complete')
    .argument('[words...]')
    .allowUnknownOption()
    .helpOption(false)
    .action((words: string[]) => {
      io.out(completionCandidates(root(), words).join('\n') + '\n');
    });
}
