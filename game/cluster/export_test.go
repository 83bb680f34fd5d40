package cluster

// Kept reports how many connection numbers and proxies of other
// processes' connections n keeps (for the tests of leaks).
func (n *Node) Kept() (conns, proxies int) { return n.conns.size(), n.proxyCount() }
