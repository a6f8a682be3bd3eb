// Package common holds what the root model and every view share: the live
// data (snapshot, rates, their history), the styles, the view contract and
// the messages views send to the root. It imports no view.
package common
