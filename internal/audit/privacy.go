package audit

// Actions of the data-rights features (package privacy and its neighbours).
const (
	// ContactViewed: staff read a volunteer's e-mail address or phone number.
	ContactViewed = "CONTACT_VIEWED"
	// VolunteerErased: staff erased a volunteer's account on the volunteer's request.
	VolunteerErased = "VOLUNTEER_ERASED"
	// ProxyRegistered: staff registered a person without a smartphone.
	ProxyRegistered = "PROXY_REGISTERED"
	// CallListExported: staff read the call list, with the phone numbers on it.
	CallListExported = "CALL_LIST_EXPORTED"
)
