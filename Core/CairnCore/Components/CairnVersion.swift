/// This build of Cairn.
public enum CairnVersion {
    /// The version, as `cairn --version` prints it.
    public static let current = "0.4.0"
}
