import ArgumentParser
import CairnCLI
import CairnCore
import Foundation

/// `cairn init`: writes a `cairn.yaml` for `cairn serve` with every option, commented.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Write a cairn.yaml for 'cairn serve' with the defaults, commented.",
        discussion: "The file starts a server on 127.0.0.1:7420 over .cairn/store with no handlers; uncomment what you need. Check it with 'cairn doctor'.")

    @Argument(help: ArgumentHelp("The file to write.", valueName: "FILE")) var file = "cairn.yaml"
    @Flag(help: "Overwrite the file if it exists.") var force = false

    func run() throws {
        let path = CLIContext.absolutePath(file)
        if FileManager.default.fileExists(atPath: path), !force {
            throw CairnError.invalidArgument("\(file) exists; pass --force to overwrite it, or name another file")
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(Self.template.utf8)) else {
            throw CairnError.invalidArgument("cannot write \(file): check that its folder exists and is writable")
        }
        print("wrote \(file): start the server with 'cairn serve -c \(file)', check it with 'cairn doctor -c \(file)'")
    }

    /// The configuration `init` writes: loadable as it is.
    static let template = """
        # cairn serve's configuration (Docs/http-api.md#configuration). Every value shown is the default.

        store: .cairn/store                 # a folder, sqlite:///abs/path/cairn.db or s3://bucket/prefix; -b overrides it

        server:
          host: 127.0.0.1                   # anything but loopback requires a token
          port: 7420
          # token_env: CAIRN_TOKEN          # the bearer token, from the environment (or token: "...")
          body_limit: 16777216              # bytes; larger request bodies get 413
          concurrency: 4                    # invocations at once
          poll_interval_ms: 500             # how often to look for timers and other writers
          keepalive_seconds: 15             # keep-alive comments on idle streams
          max_invocations: 100              # a session invoked this often without pausing fails as runaway
          shutdown_grace_seconds: 10        # how long in-flight invocations may finish after SIGTERM

        handlers: {}                        # agent name -> handler; without one, sessions stay pending
        #  default:                         # every agent without its own entry
        #    command: [python3, handler.py] # one process per invocation (Docs/protocol.md)
        #    timeout: 300
        #  support:
        #    rpc: [python3, rpc_handler.py] # one long-lived pugmark RPC-mode process
        #  assistant:
        #    agent_file: agents/assistant.yaml    # an agent run in process (Docs/agents.md)
        #    allowed_hosts: [api.example.com]
        #    triggers:
        #      - {type: cron, cron_expression: "0 9 * * 1-5", cron_timezone: Europe/Berlin}

        triggers: {}                        # more triggers by name, each naming its agent (Docs/triggers.md)
        #  github:
        #    type: webhook
        #    agent: support
        #    signature_scheme: github
        #    hmac_secret_env: GITHUB_WEBHOOK_SECRET

        """
}
