/// The numbers a night's scratch file keys municipalities by: the registered ones in code order
/// (1, 2, …), any other code met on the way after them, none 0. A staged row's key is its
/// municipality's number above its line, so the scratch file keeps each municipality's rows
/// together in file order, and notifications sort by (number, sequence).
///
/// Used by one thread at a time (the sync's), as the scratch file is.
final class GemeenteNumbers {
    private var numbers: [String: Int64] = [:]

    init(registered codes: [String]) {
        for code in Set(codes).sorted() { numbers[code] = Int64(numbers.count + 1) }
    }

    /// The number of `code`, given it now when it has none.
    func number(of code: String) -> Int64 {
        if let number = numbers[code] { return number }
        let number = Int64(numbers.count + 1)
        numbers[code] = number
        return number
    }

    /// The key of the staged row of `line` bound for `gemeente` (nil: none).
    func key(_ gemeente: String?, line: Int) -> Int64 {
        precondition(line >= 0 && line < 1 << 32, "a snapshot line beyond 2^32")
        return (gemeente.map(number(of:)) ?? 0) << 32 | Int64(line)
    }

    /// Where the notification that sends the staged row `key` goes among its municipality's:
    /// (number, sequence), its sequence that of the line's own notification (`2 × line + 1`).
    static func order(of key: Int64) -> (Int64, Int64) {
        (key >> 32, 2 * (key & 0xFFFF_FFFF) + 1)
    }
}
