package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// signInReplyError reports a 2xx sign-in reply that carries no usable token. Such a reply may
// still hold tokens (an expiry missing or of another type, a body cut off), which the client
// has not learnt to scrub: a JSON reply is therefore described by its shape, the names of its
// members and the kinds of their values, never a value. Any other reply (a proxy's HTML page)
// is excerpted as usual.
func (ep endpoints) signInReplyError(reply []byte, cause error) *Error {
	var excerpt string
	if t := bytes.TrimSpace(reply); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		excerpt = jsonShape(t)
	} else {
		excerpt = ep.secrets.excerpt(reply)
	}
	return &Error{Kind: KindBadResponse, Op: opSignIn, Excerpt: excerpt, Err: cause,
		Message: "Redox's sign-in service answered with something unexpected. Try again in a few minutes; if it keeps " +
			"happening, copy the details for IT."}
}

// jsonShape describes a JSON document without any of its values: "JSON object: accessToken
// (text, 43 characters), expires (number)", the members of the top-level object in order, and
// "(cut off)" where the document stops being valid JSON.
func jsonShape(doc []byte) string {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	first, err := dec.Token()
	if err != nil {
		return "JSON (cut off)"
	}
	if first != json.Delim('{') {
		return "JSON " + kindOf(first, dec) + ", not an object"
	}
	var members []string
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return shapeLine(append(members, "(cut off)"))
		}
		value, err := dec.Token()
		if err != nil {
			return shapeLine(append(members, fmt.Sprintf("%.40s (cut off)", key)))
		}
		members = append(members, fmt.Sprintf("%.40s (%s)", key, kindOf(value, dec)))
	}
	if _, err := dec.Token(); err != nil {
		members = append(members, "(cut off)")
	}
	return shapeLine(members)
}

func shapeLine(members []string) string {
	if len(members) == 0 {
		return "JSON object, empty"
	}
	return "JSON object: " + strings.Join(members, ", ")
}

// kindOf names the kind of the JSON value that starts with token t, and reads past the rest
// of it when it is an object or an array.
func kindOf(t json.Token, dec *json.Decoder) string {
	switch v := t.(type) {
	case string:
		return fmt.Sprintf("text, %d characters", len([]rune(v)))
	case json.Number:
		return "number"
	case bool:
		return "true or false"
	case nil:
		return "null"
	case json.Delim:
		for depth := 1; depth > 0; {
			next, err := dec.Token()
			if err != nil {
				break
			}
			if d, ok := next.(json.Delim); ok {
				if d == '{' || d == '[' {
					depth++
				} else {
					depth--
				}
			}
		}
		if v == '{' {
			return "object"
		}
		return "list"
	}
	return "value"
}
