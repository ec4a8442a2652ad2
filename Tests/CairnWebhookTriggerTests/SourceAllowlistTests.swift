import CairnTriggers
import CairnWebhookTrigger
import Testing

@Suite struct SourceAllowlistTests {
    func list(_ entries: String...) throws -> SourceAllowlist { try SourceAllowlist(entries) }

    @Test func ipv4Prefixes() throws {
        let allowlist = try list("10.0.0.0/8", "192.168.1.0/24", "172.16.0.0/12")
        for address in ["10.0.0.0", "10.255.255.255", "192.168.1.77", "172.31.255.1", "172.16.0.1"] { #expect(allowlist.allows(address), "\(address)") }
        for address in ["11.0.0.1", "9.255.255.255", "192.168.2.1", "172.32.0.1", "2001:db8::1"] { #expect(!allowlist.allows(address), "\(address)") }
    }

    @Test func edgeMasks() throws {
        let everyV4 = try list("0.0.0.0/0")
        #expect(everyV4.allows("0.0.0.0") && everyV4.allows("255.255.255.255") && everyV4.allows("::ffff:1.2.3.4"))
        #expect(!everyV4.allows("::1"))
        let host = try list("192.168.1.5/32")
        #expect(host.allows("192.168.1.5") && !host.allows("192.168.1.4") && !host.allows("192.168.1.6"))
        let bare = try list("192.168.1.5")
        #expect(bare.allows("192.168.1.5") && !bare.allows("192.168.1.50"))
        let everyV6 = try list("::/0")
        #expect(everyV6.allows("::") && everyV6.allows("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") && everyV6.allows("2001:db8::1"))
        #expect(!everyV6.allows("10.1.2.3") && !everyV6.allows("::ffff:10.1.2.3"))
        let v6Host = try list("2001:db8::1/128")
        #expect(v6Host.allows("2001:db8::1") && v6Host.allows("2001:DB8:0:0:0:0:0:1") && !v6Host.allows("2001:db8::2"))
        let odd = try list("10.0.0.0/31", "2001:db8::/127")
        #expect(odd.allows("10.0.0.1") && !odd.allows("10.0.0.2") && odd.allows("2001:db8::1") && !odd.allows("2001:db8::2"))
    }

    @Test func ipv6Prefixes() throws {
        let allowlist = try list("fd00::/8", "2001:db8::/32", "::1")
        for address in ["fd12:3456::1", "fdff:ffff::", "2001:db8:ffff::1", "2001:0db8::", "::1", "0:0:0:0:0:0:0:1"] {
            #expect(allowlist.allows(address), "\(address)")
        }
        for address in ["fe80::1", "fc00::1", "2001:db9::1", "2001:db7:ffff::", "::2", "127.0.0.1"] { #expect(!allowlist.allows(address), "\(address)") }
    }

    @Test func ipv4MappedAddressesMatchIPv4Ranges() throws {
        let allowlist = try list("10.0.0.0/8")
        #expect(allowlist.allows("::ffff:10.1.2.3"))
        #expect(allowlist.allows("::FFFF:a01:203"))
        #expect(allowlist.allows("0:0:0:0:0:ffff:10.9.9.9"))
        #expect(!allowlist.allows("::ffff:11.1.2.3"))
        // IPv4-compatible (deprecated) and NAT64 forms are IPv6, not IPv4.
        #expect(!allowlist.allows("::10.1.2.3"))
        #expect(!allowlist.allows("64:ff9b::10.1.2.3"))
        let mappedEntry = try list("::ffff:10.0.0.0/104", "::ffff:192.168.1.5")
        #expect(mappedEntry.allows("10.200.0.1") && mappedEntry.allows("::ffff:10.200.0.1") && mappedEntry.allows("192.168.1.5"))
        #expect(!mappedEntry.allows("11.0.0.1") && !mappedEntry.allows("192.168.1.6"))
    }

    @Test func zonesPortsAndBracketsAreStripped() throws {
        let allowlist = try list("fe80::/10", "10.0.0.0/8", "2001:db8::/32")
        #expect(allowlist.allows("fe80::1%eth0"))
        #expect(allowlist.allows("[fe80::1%25]:8443"))
        #expect(allowlist.allows("10.1.2.3:443"))
        #expect(allowlist.allows("[2001:db8::1]:443"))
        #expect(allowlist.allows("[2001:db8::1]"))
        #expect(allowlist.allows(" 10.1.2.3 "))
        #expect(!allowlist.allows("[10.1.2.3]:99999"))
        #expect(!allowlist.allows("10.1.2.3:"))
        #expect(!allowlist.allows("10.1.2.3%eth0"))
        #expect(!allowlist.allows("fe80::1%"))
    }

    @Test(arguments: [
        "", "localhost", "10.1.2", "10.1.2.3.4", "256.1.1.1", "010.1.2.3", "1::2::3", "12345::", "::g", "1:2:3:4:5:6:7:8:9", ":1:2:3:4:5:6:7", "[::1", "::1]",
    ])
    func refusesUnparseablePeers(address: String) throws {
        #expect(!(try list("0.0.0.0/0", "::/0")).allows(address))
    }

    @Test func emptyAllowlistAllowsEverything() throws {
        let empty = try SourceAllowlist([])
        #expect(empty.isEmpty && SourceAllowlist.allowAll.isEmpty)
        #expect(empty.allows("203.0.113.9") && empty.allows("2001:db8::1") && empty.allows("not an address"))
        #expect(!(try list("::1")).isEmpty)
    }

    @Test(arguments: [
        ("", "empty"), ("10.0.0.0/33", "0 to 32"), ("fd00::/129", "0 to 128"), ("10.0.0/8", "not an IPv4 or IPv6"), ("256.1.1.1", "not an IPv4"),
        ("01.2.3.4", "not an IPv4"), ("10.0.0.0/", "prefix length"), ("10.0.0.0/8/8", "prefix length"), ("10.0.0.0/-1", "prefix length"),
        ("10.0.0.0/ 8", "prefix length"), ("gggg::", "not an IPv4"), ("::1::", "not an IPv4"), ("1:2:3:4:5:6:7:8:9", "not an IPv4"),
        ("fe80::1%eth0", "zone"), ("10.0.0.1/8", "did you mean 10.0.0.0/8?"), ("192.168.1.5/24", "did you mean 192.168.1.0/24?"),
        ("2001:db8::1/32", "did you mean 2001:db8::/32?"), ("fd00::1:0:0:1/64", "did you mean fd00::/64?"), ("*", "not an IPv4"),
        ("10.0.0.0/0008", "prefix length"),
    ])
    func refusesMalformedEntries(entry: String, hint: String) {
        do throws(WebhookConfigError) {
            _ = try SourceAllowlist(["127.0.0.1", entry], field: "allowed_sources")
            Issue.record("accepted \(entry)")
        } catch {
            #expect(error.field == "allowed_sources[1]")
            #expect(error.value == entry)
            #expect(error.message.contains(hint), "\(error.message)")
            #expect(error.message.contains("10.0.0.0/8, fd00::/8"))
        }
    }

    @Test func acceptsEntriesWithSurroundingSpaceAndDottedQuadTails() throws {
        let allowlist = try list(" 10.0.0.0/8 ", "::ffff:0:0/96", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7::")
        #expect(allowlist.allows("10.0.0.9") && allowlist.allows("1:2:3:4:5:6:102:304") && allowlist.allows("1:2:3:4:5:6:7:0"))
        // ::ffff:0:0/96 is the whole IPv4 space.
        #expect(allowlist.allows("203.0.113.1"))
    }
}
