import CairnAgentFile  // agent files and the `agent` command (run, send, resume, continue)
import CairnCLI  // the session commands every build has: start, push, log, fork, ls, show, ...
import CairnCore  // Components, the registry of everything configuration can name
import Foundation
import MyAdapters  // this package's store, model provider and tool

// my-cairn: Cairn's command line with this package's adapters, composed as any deployment
// composes its own `cairn`:
//
//   1. start from `Components()` (memory:// and the scripted provider are always there);
//   2. let each adapter register itself: here the notebook:// store, the keyword provider and
//      the word_count tool (Cairn's own file://, sqlite://, openai, ... would be one line each);
//   3. hand the registry and the commands you want to `CairnCommand.main`.
//
// Nothing else is linked: no HTTP stack, no other store. `my-cairn components` lists the result.

CairnCommand.bootstrapLogging()

var components = Components()
MyAdapters.register(in: &components)

// The binary's name in usage lines and hints, and the store commands use without -b: a notebook
// in ./.cairn of the working directory.
let settings = CairnCommand.Settings(
    name: "my-cairn", defaultStore: "notebook://" + FileManager.default.currentDirectoryPath + "/.cairn/notebook.json")

await CairnCommand.main(components: components, commands: AgentFileCommands.commands, settings: settings)
