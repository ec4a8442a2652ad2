import CairnWebhookTrigger
import Foundation
import Testing

/// ``SourceAllowlist`` against Python's `ipaddress` on random ranges and addresses and on tricky text forms.
@Suite(.enabled(if: PythonPeer.available("ipaddress"), "python3 is not on PATH: install it to run the differential tests"))
struct DifferentialAllowlistTests {
    struct Generated: Decodable {
        var entry: String
        var address: String
        var allowed: Bool
    }

    /// Random networks (in Python's compressed and exploded text) and addresses inside or outside
    /// them, some IPv4 ones written IPv4-mapped; Python decides membership after unmapping.
    static let generateScript = #"""
        import ipaddress, json, random
        rng = random.Random(20240501)
        def unmap(a):
            return a.ipv4_mapped if a.version == 6 and a.ipv4_mapped else a
        def unmap_net(n):
            if n.version == 6 and n.prefixlen >= 96 and n.network_address.ipv4_mapped:
                return ipaddress.ip_network((n.network_address.ipv4_mapped, n.prefixlen - 96))
            return n
        out = []
        for i in range(600):
            version = rng.choice([4, 6, 6])
            bits = 32 if version == 4 else 128
            prefix = rng.choice([0, 1, bits - 1, bits, rng.randint(0, bits)])
            if version == 6 and rng.random() < 0.15:
                base = (0xffff << 32) | rng.getrandbits(32)
                prefix = rng.randint(96, 128)
            else:
                base = rng.getrandbits(bits)
            net = ipaddress.ip_network((base, prefix), strict=False)
            entry = str(net) if rng.random() < 0.7 else net.exploded
            if rng.random() < 0.5:
                value = int(net.network_address) | (rng.getrandbits(bits) & int(net.hostmask))
            else:
                value = rng.getrandbits(bits)
            addr = ipaddress.ip_address(value) if version == 4 else ipaddress.IPv6Address(value)
            if rng.random() < 0.2:
                addr = ipaddress.ip_address(rng.getrandbits(32) if version == 6 else rng.getrandbits(128))
            text = str(addr) if rng.random() < 0.7 else addr.exploded
            if addr.version == 4 and rng.random() < 0.3:
                text = "::ffff:" + str(addr)
            a, n = unmap(ipaddress.ip_address(text)), unmap_net(net)
            out.append({"entry": entry, "address": text, "allowed": a.version == n.version and a in n})
        print(json.dumps(out))
        """#

    @Test func membershipMatchesPythonOnRandomRanges() throws {
        let generated: [Generated] = try PythonPeer.run(Self.generateScript, input: [String]())
        try #require(generated.count == 600)
        for item in generated {
            let allowlist = try SourceAllowlist([item.entry])
            #expect(allowlist.allows(item.address) == item.allowed, "\(item.entry) \(item.address): Python says \(item.allowed)")
        }
        #expect(generated.contains { $0.allowed } && generated.contains { !$0.allowed })
    }

    static let validityScript = #"""
        import ipaddress, json, sys
        out = []
        for text in json.load(open(sys.argv[1])):
            try:
                ipaddress.ip_network(text, strict=True)
                out.append(True)
            except ValueError:
                out.append(False)
        print(json.dumps(out))
        """#

    /// Forms Python and the allowlist both read (netmask forms and zero-padded prefixes, which
    /// Python also takes, are left out on purpose: the allowlist refuses them).
    static let forms = [
        "10.0.0.0/8", "10.0.0.1/8", "0.0.0.0/0", "255.255.255.255/32", "1.2.3.4", "01.2.3.4", "1.2.3", "1.2.3.4.5", "256.0.0.0", "1.2.3.4/33",
        "::", "::/0", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "1:::2",
        ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "12345::", "g::", "::ffff:1.2.3.4", "::ffff:1.2.3.4/128", "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.04", "1.2.3.4::", "fd00::/8", "fd00::1/8", "2001:db8::/32", "2001:DB8::/32", "2001:db8::/129",
        "fe80::/10", "::ffff:0:0/96", "", "/8", "10.0.0.0/", "10.0.0.0/8/8", "abcd", "1:2:3:4:5:6:7:8/64", "0::0/0",
    ]

    @Test func textFormsAgreeWithPython() throws {
        let python: [Bool] = try PythonPeer.run(Self.validityScript, input: Self.forms)
        try #require(python.count == Self.forms.count)
        for (form, valid) in zip(Self.forms, python) {
            #expect(((try? SourceAllowlist([form])) != nil) == valid, "\(form): Python says \(valid ? "valid" : "invalid")")
        }
    }
}
