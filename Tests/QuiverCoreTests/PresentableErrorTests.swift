import Testing
import QuiverCore

/// A message names options and commands once, as values; each surface spells them its own way.
@Suite struct PresentableErrorTests {
    @Test func optionsAreDashedForTheCLIAndUpperCaseForTheDaemon() {
        let m: ErrorMessage = "\(option: "max-hops") 20 is above the ceiling of 16 hops"
        #expect(m.rendered(for: .cli) == "--max-hops 20 is above the ceiling of 16 hops")
        #expect(m.rendered(for: .daemon) == "MAX-HOPS 20 is above the ceiling of 16 hops")
    }

    @Test func aOneLetterOptionTakesOneDashOnTheCLI() {
        let m: ErrorMessage = "\(option: "k") must be at least 1"
        #expect(m.rendered(for: .cli) == "-k must be at least 1")
        #expect(m.rendered(for: .daemon) == "K must be at least 1")
    }

    @Test func commandsAreQuotedCLILinesOrBareDaemonVerbs() {
        let m: ErrorMessage = "see \(command: "graphs"); train one with \(command: "train", "nations")"
        #expect(m.rendered(for: .cli) == "see `quiver graphs`; train one with `quiver train nations`")
        #expect(m.rendered(for: .daemon) == "see GRAPHS; train one with TRAIN nations")
    }

    @Test func valuesAndNestedMessagesKeepTheirParts() {
        let remedy: ErrorMessage = "\(option: "batch") or \(option: "dim")"
        let m: ErrorMessage = "batch \(512) is too large; lower \(remedy)"
        #expect(m.rendered(for: .cli) == "batch 512 is too large; lower --batch or --dim")
        #expect(m.rendered(for: .daemon) == "batch 512 is too large; lower BATCH or DIM")
        #expect(m.parts.contains(.option("dim")))
        let joined = m + " (\(option: "timeout"))"
        #expect(joined.rendered(for: .daemon) == "batch 512 is too large; lower BATCH or DIM (TIMEOUT)")
    }

    @Test func messagesAreEqualHoweverTheirTextWasSplit() {
        let hops = 5
        let built: ErrorMessage = "\(option: "hops") must be 2, 3 or 4 (got \(hops))"
        #expect(built == "\(option: "hops") must be 2, 3 or 4 (got 5)")
        #expect(("a" as ErrorMessage) + "b" == "ab")
        #expect(("" as ErrorMessage) == ErrorMessage([]))
        #expect(built != "--hops must be 2, 3 or 4 (got 5)")  // same CLI text, but the option is not a value
    }

    @Test func plainTextRendersTheSameEverywhere() {
        let m: ErrorMessage = "nothing to name here"
        #expect(m.rendered(for: .cli) == m.rendered(for: .daemon))
        #expect(m.description == "nothing to name here")
    }

    @Test func descriptionIsTheCLIRendering() {
        let e = RequestError.usage("give \(option: "seed") or \(command: "jobs")")
        #expect(e.description == "give --seed or `quiver jobs`")
        #expect("\(e)" == e.description)
        #expect(e.message.rendered(for: .daemon) == "give SEED or JOBS")
        #expect(e.category == .usage && e.category.exitCode == 2)
    }

    @Test func aMemoryRefusalIsInvalidInputNamingTheOptionPerSurface() throws {
        let budget = MemoryBudget(bytes: MemoryBudget.gibibyte)
        #expect(budget.refusal("a small thing", needs: 1024, lower: "\(option: "dim")") == nil)
        let refusal = try #require(budget.refusal("a big thing", needs: 4 * MemoryBudget.gibibyte, lower: "\(option: "dim")"))
        #expect(refusal.category == .tooLarge)
        #expect(refusal.description
            == "a big thing would need about 4.0 GiB; lower --dim (the limit is 1.0 GiB, QUIVER_TRAIN_MEMORY_GIB)")
        let daemon = refusal.message.rendered(for: .daemon)
        #expect(daemon.contains("lower DIM") && !daemon.contains("--"), "\(daemon)")
    }

    @Test func libraryErrorsOfQuiverCoreAreInvalidInput() {
        let parse = ParseError(file: "a.nt", line: 2, column: 5, found: "'x'", expected: "'.'")
        #expect(parse.category == .invalidInput)
        #expect(parse.description == "a.nt:2:5: found 'x', expected '.'")
    }
}
