import ArgumentParser

/// `cairn completion SHELL`: prints the shell completion script for every command of this build.
struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion", abstract: "Print the shell completion script (bash, zsh or fish).",
        discussion: """
            bash: cairn completion bash > ~/.local/share/bash-completion/completions/cairn. \
            zsh: cairn completion zsh > "${fpath[1]}/_cairn". fish: cairn completion fish > ~/.config/fish/completions/cairn.fish. \
            Then start a new shell.
            """)

    @Argument(help: "bash, zsh or fish.") var shell: String

    func validate() throws {
        guard CompletionShell(rawValue: shell) != nil else {
            throw ValidationError("unknown shell '\(shell)'; use bash, zsh or fish")
        }
    }

    func run() throws {
        guard let kind = CompletionShell(rawValue: shell) else { return }
        print(CairnCommand.completionScript(for: kind))
    }
}
