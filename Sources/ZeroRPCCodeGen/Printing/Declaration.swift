/// A function declaration split where the printer may break it: `head`, parameters, `tail`.
struct Declaration {
    let head: String
    let parameters: [String]
    let tail: String
}

extension CodePrinter {
    /// A requirement without a body, its parameters wrapped when too long.
    func declaration(_ declaration: Declaration) {
        wrapped(declaration.head, declaration.parameters, declaration.tail)
    }

    /// A function with a body, its parameters wrapped when too long.
    func declaration(_ declaration: Declaration, _ body: () -> Void) {
        wrappedBlock(declaration.head, declaration.parameters, declaration.tail, body)
    }
}
