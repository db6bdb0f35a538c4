package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// PolicyFileMaxSize caps policy.json: a hundred sources take some 50 KB.
const PolicyFileMaxSize = 1 << 20

// jsonPolicy reads one JSON object of policy.json: the whole file, or one of its sources.
type jsonPolicy map[string]json.RawMessage

// parsePolicyJSON reads policy.json's content into p (see readPolicy). A file that is not a
// JSON object is an error, and nothing of it is applied.
func parsePolicyJSON(p *Policy, data []byte) error {
	var top jsonPolicy
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&top); err != nil || top == nil {
		return fmt.Errorf("it is not a JSON object in braces {…}: %v", cmpErr(err, errors.New("null")))
	}
	readPolicy(p, top)
	return nil
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// raw finds the member named name, its first letter in either case (the registry's spelling is
// accepted too).
func (j jsonPolicy) raw(name string) (json.RawMessage, bool) {
	for k, v := range j {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

func (j jsonPolicy) value(name string, k policyKind) (policyValue, bool, error) {
	raw, found := j.raw(name)
	if !found {
		return policyValue{}, false, nil
	}
	var v policyValue
	var err error
	switch k {
	case policyBool:
		err = json.Unmarshal(raw, &v.b)
	case policyText:
		err = json.Unmarshal(raw, &v.s)
	case policyList:
		err = json.Unmarshal(raw, &v.list)
	case policyInt:
		var f float64
		if err = json.Unmarshal(raw, &f); err == nil && (f != math.Trunc(f) || f < 0 || f > math.MaxInt32) {
			err = errors.New("not a whole number from 0 to 2147483647")
		}
		v.n = int64(f)
	}
	if err != nil {
		return policyValue{}, true, fmt.Errorf("%s is expected (%v)", policyKindWords(k), err)
	}
	return v, true, nil
}

func (j jsonPolicy) sources() ([]namedReader, error) {
	raw, found := j.raw(policySourcesKey)
	if !found {
		return nil, nil
	}
	var list []jsonPolicy
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("%s: a list of objects [{…}, …] is expected (%v)", policySourcesKey, err)
	}
	readers := make([]namedReader, len(list))
	for i, s := range list {
		readers[i] = namedReader{r: s}
	}
	return readers, nil
}

func (j jsonPolicy) label(name string) string { return strings.ToLower(name[:1]) + name[1:] }

func (j jsonPolicy) names() []string {
	names := make([]string, 0, len(j))
	for k := range j {
		names = append(names, k)
	}
	return names
}

// policyKindWords names what a value of kind k must hold.
func policyKindWords(k policyKind) string {
	switch k {
	case policyBool:
		return "true or false (on Windows a DWORD, 0 or 1)"
	case policyInt:
		return "a whole number (on Windows a DWORD)"
	case policyList:
		return `a list of texts in brackets, ["…", "…"] (on Windows a multi-string value, REG_MULTI_SZ, one a line)`
	}
	return "text in quotes (on Windows a string, REG_SZ)"
}
