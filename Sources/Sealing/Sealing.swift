/// Sealed batches (see the issue on the nightly sync).
public enum Sealing {}
