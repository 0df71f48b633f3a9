package notify

// Forget drops a user's in-app messages from memory when
// their account is erased (the store's copies are deleted by the erasure itself).
func (i *Inbox) Forget(userID string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	for _, n := range i.byUser[userID] {
		delete(i.byID, n.ID)
	}
	delete(i.byUser, userID)
}
