package cluster

// Kept reports how many connection numbers and proxies of other
// processes' connections n keeps (for the tests of leaks).
func (n *Node) Kept() (conns, proxies int) { return n.conns.size(), n.proxyCount() }

// Inbox is the broker channel of process node's letters.
func Inbox(node string) string { return inbox(node) }
