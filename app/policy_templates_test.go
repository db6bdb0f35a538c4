package app

import (
	"cmp"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The Group Policy templates (packaging/windows/policy) are how IT sets the policy on Windows:
// these tests hold them to what this package reads (policySettings, policySourceSettings).

// policyTemplateDir is the templates' folder, from this package's.
const policyTemplateDir = "../packaging/windows/policy"

// admxFile is what the tests read of redox-uploader.admx.
type admxFile struct {
	Resources struct {
		MinRequiredRevision string `xml:"minRequiredRevision,attr"`
	} `xml:"resources"`
	SupportedOn []struct {
		Name        string `xml:"name,attr"`
		DisplayName string `xml:"displayName,attr"`
	} `xml:"supportedOn>definitions>definition"`
	Categories []admxCategory `xml:"categories>category"`
	Policies   []admxPolicy   `xml:"policies>policy"`
}

type admxCategory struct {
	Name        string  `xml:"name,attr"`
	DisplayName string  `xml:"displayName,attr"`
	ExplainText string  `xml:"explainText,attr"`
	Parent      admxRef `xml:"parentCategory"`
}

type admxRef struct {
	Ref string `xml:"ref,attr"`
}

// admxPolicy is one policy: a value of its own (ValueName, EnabledValue, DisabledValue) and
// elements, each writing a value.
type admxPolicy struct {
	Name          string     `xml:"name,attr"`
	Class         string     `xml:"class,attr"`
	DisplayName   string     `xml:"displayName,attr"`
	ExplainText   string     `xml:"explainText,attr"`
	Presentation  string     `xml:"presentation,attr"`
	Key           string     `xml:"key,attr"`
	ValueName     string     `xml:"valueName,attr"`
	Parent        admxRef    `xml:"parentCategory"`
	SupportedOn   admxRef    `xml:"supportedOn"`
	EnabledValue  *admxValue `xml:"enabledValue"`
	DisabledValue *admxValue `xml:"disabledValue"`
	// EnabledList and DisabledList write values the app does not read.
	EnabledList  *struct{} `xml:"enabledList"`
	DisabledList *struct{} `xml:"disabledList"`
	Elements     struct {
		All []admxElement `xml:",any"`
	} `xml:"elements"`
}

// admxElement is one element of a policy (boolean, decimal, text, enum, multiText; list and
// longDecimal write nothing the app reads).
type admxElement struct {
	XMLName     xml.Name
	ID          string     `xml:"id,attr"`
	Key         string     `xml:"key,attr"`
	ValueName   string     `xml:"valueName,attr"`
	Required    bool       `xml:"required,attr"`
	MinValue    *uint64    `xml:"minValue,attr"`
	MaxValue    *uint64    `xml:"maxValue,attr"`
	StoreAsText bool       `xml:"storeAsText,attr"`
	TrueValue   *admxValue `xml:"trueValue"`
	FalseValue  *admxValue `xml:"falseValue"`
	Items       []struct {
		DisplayName string    `xml:"displayName,attr"`
		Value       admxValue `xml:"value"`
	} `xml:"item"`
}

// admxValue is a registry value a template writes: a DWORD or a string (delete writes none).
type admxValue struct {
	Decimal *admxDecimal `xml:"decimal"`
	String  *string      `xml:"string"`
}

type admxDecimal struct {
	Value uint64 `xml:"value,attr"`
}

// admlFile is what the tests read of en-US/redox-uploader.adml.
type admlFile struct {
	Revision      string             `xml:"revision,attr"`
	Strings       []admlString       `xml:"resources>stringTable>string"`
	Presentations []admlPresentation `xml:"resources>presentationTable>presentation"`
}

type admlString struct {
	ID   string `xml:"id,attr"`
	Text string `xml:",chardata"`
}

type admlPresentation struct {
	ID       string        `xml:"id,attr"`
	Controls []admlControl `xml:",any"`
}

// admlControl is one control of a presentation; its kind is its element name (textBox,
// decimalTextBox, dropdownList, checkBox, comboBox...).
type admlControl struct {
	XMLName      xml.Name
	RefID        string `xml:"refId,attr"`
	DefaultAttr  string `xml:"defaultValue,attr"` // decimalTextBox
	DefaultChild string `xml:"defaultValue"`      // textBox
}

// defaultValue is the value the control shows before IT types anything (a decimalTextBox's
// is 1 unless it says).
func (c admlControl) defaultValue() string {
	if c.XMLName.Local == "decimalTextBox" {
		return cmp.Or(c.DefaultAttr, "1")
	}
	return c.DefaultChild
}

func readPolicyTemplates(t *testing.T) (admxFile, admlFile) {
	t.Helper()
	var admx admxFile
	var adml admlFile
	for _, f := range []struct {
		name string
		into any
	}{{"redox-uploader.admx", &admx}, {filepath.Join("en-US", "redox-uploader.adml"), &adml}} {
		data, err := os.ReadFile(filepath.Join(policyTemplateDir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		if err := xml.Unmarshal(data, f.into); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
	}
	if len(admx.Policies) == 0 || len(adml.Strings) == 0 {
		t.Fatal("the templates hold no policies or no strings")
	}
	return admx, adml
}

// templateWrite is one registry value a policy writes: where, of what kind as the app would
// read it, the values it can take that can be named (fixed values, choices, the two ends of a
// number's range), and what its box shows before IT types anything.
type templateWrite struct {
	policy, key, name string
	kind              policyKind
	samples           []policyValue
	min, max          int64        // a decimal element's range
	shown             string       // the presentation's default for the element
	element           *admxElement // nil for the policy's own value
}

// writes lists the values policy p writes, given its presentation's controls by element id;
// an error names what the app could not read.
func (p admxPolicy) writes(controls map[string]admlControl) ([]templateWrite, error) {
	var ws []templateWrite
	var problems []error
	if p.EnabledList != nil || p.DisabledList != nil {
		problems = append(problems, fmt.Errorf("policy %s: enabledList and disabledList write values the app does not read", p.Name))
	}
	if p.ValueName != "" {
		w := templateWrite{policy: p.Name, key: p.Key, name: p.ValueName}
		var err error
		if w.kind, w.samples, err = valueKind(p.EnabledValue, p.DisabledValue); err != nil {
			problems = append(problems, fmt.Errorf("policy %s: %w", p.Name, err))
		}
		ws = append(ws, w)
	}
	for i := range p.Elements.All {
		e := &p.Elements.All[i]
		w := templateWrite{policy: p.Name, key: cmp.Or(e.Key, p.Key), name: e.ValueName, element: e}
		if c, ok := controls[e.ID]; ok {
			w.shown = c.defaultValue()
		}
		var err error
		switch e.XMLName.Local {
		case "boolean":
			w.kind, w.samples, err = valueKind(cmp.Or(e.TrueValue, dword(1)), cmp.Or(e.FalseValue, dword(0)))
		case "decimal":
			w.kind, w.min, w.max = policyInt, int64(e.min()), int64(e.max())
			w.samples = []policyValue{{n: w.min}, {n: w.max}}
			if e.StoreAsText {
				err = errors.New("a number stored as text (storeAsText) is a string; the app reads a DWORD")
			}
		case "text":
			w.kind = policyText
			if w.shown != "" {
				w.samples = []policyValue{{s: w.shown}}
			}
		case "multiText": // a REG_MULTI_SZ, one string a line of its box
			w.kind = policyList
		case "enum":
			values := make([]*admxValue, len(e.Items))
			for i := range e.Items {
				values[i] = &e.Items[i].Value
			}
			w.kind, w.samples, err = valueKind(values...)
		default:
			err = fmt.Errorf("a %s element writes values the app does not read", e.XMLName.Local)
		}
		if err != nil {
			problems = append(problems, fmt.Errorf("policy %s, element %s: %w", p.Name, e.ID, err))
		}
		ws = append(ws, w)
	}
	return ws, errors.Join(problems...)
}

// min and max are a decimal element's range, with the schema's defaults (0 and 9999).
func (e admxElement) min() uint64 { return valueOr(e.MinValue, 0) }
func (e admxElement) max() uint64 { return valueOr(e.MaxValue, 9999) }

func valueOr(p *uint64, otherwise uint64) uint64 {
	if p == nil {
		return otherwise
	}
	return *p
}

// dword is a template's DWORD value n.
func dword(n uint64) *admxValue {
	v := &admxValue{Decimal: &admxDecimal{}}
	v.Decimal.Value = n
	return v
}

// valueKind is the kind of the values vs as the app reads them: DWORDs that are only 0 and 1
// are on/off, other DWORDs numbers, strings text. A nil value (not given, or <delete/>) writes
// nothing.
func valueKind(vs ...*admxValue) (policyKind, []policyValue, error) {
	var strs, dwords int
	var samples []policyValue
	for _, v := range vs {
		switch {
		case v == nil || (v.Decimal == nil && v.String == nil):
		case v.String != nil:
			strs++
			samples = append(samples, policyValue{s: *v.String})
		default:
			dwords++
			samples = append(samples, policyValue{n: int64(v.Decimal.Value), b: v.Decimal.Value != 0})
		}
	}
	switch {
	case strs == 0 && dwords == 0:
		return 0, nil, errors.New("it writes no value")
	case strs > 0 && dwords > 0:
		return 0, nil, errors.New("it writes both a string and a DWORD into one value")
	case strs > 0:
		return policyText, samples, nil
	case slices.ContainsFunc(samples, func(v policyValue) bool { return v.n > 1 }):
		return policyInt, samples, nil
	}
	return policyBool, samples, nil
}

// policyTemplateWrites is every value the templates write.
func policyTemplateWrites(t *testing.T, admx admxFile, adml admlFile) []templateWrite {
	t.Helper()
	var all []templateWrite
	for _, p := range admx.Policies {
		controls := map[string]admlControl{}
		if pr, ok := adml.presentation(p.Presentation); ok {
			for _, c := range pr.Controls {
				controls[c.RefID] = c
			}
		}
		ws, err := p.writes(controls)
		if err != nil {
			t.Error(err)
		}
		all = append(all, ws...)
	}
	return all
}

// presentation finds the presentation ref ("$(presentation.ID)") names.
func (a admlFile) presentation(ref string) (admlPresentation, bool) {
	i := slices.IndexFunc(a.Presentations, func(p admlPresentation) bool { return "$(presentation."+p.ID+")" == ref })
	if i < 0 {
		return admlPresentation{}, false
	}
	return a.Presentations[i], true
}

// sourceSlotKey returns, for a managed source's key (SOFTWARE\Policies\Redox Uploader\Sources\1),
// the name of the source's own key ("1").
func sourceSlotKey(key string) (string, bool) {
	prefix := strings.ToLower(PolicyKey + `\` + policySourcesKey + `\`)
	if !strings.HasPrefix(strings.ToLower(key), prefix) || len(key) == len(prefix) || strings.Contains(key[len(prefix):], `\`) {
		return "", false
	}
	return key[len(prefix):], true
}

// policyChoices are the values a text setting may hold, for those that have a fixed few: the
// templates offer exactly these, as a list to choose from.
var policyChoices = map[string][]string{
	"ProxyMode":   {ProxySystem, ProxyEnvironment, ProxyNone, ProxyManual},
	"Environment": {string(EnvDevelopment), string(EnvStaging), string(EnvProduction)}, // Sandbox is the built-in source's
	"Auth":        {string(AuthLegacy), string(AuthOAuth), string(AuthToken)},
}

// TestPolicyTemplatesWriteWhatTheAppReads: every value the Group Policy templates write is one
// the app reads, at its place (the policy's key, or a managed source's key under Sources) and
// of its kind (DWORD 0/1 for on/off, DWORD for numbers, string for text, multi-string for
// lists); every value the app reads is written by some policy, and every managed source slot
// writes all of a source's values; what the templates offer (choices, number ranges, defaults)
// is what the app accepts.
func TestPolicyTemplatesWriteWhatTheAppReads(t *testing.T) {
	admx, adml := readPolicyTemplates(t)
	top := map[string]bool{}
	slots := map[string]map[string]bool{}
	for _, w := range policyTemplateWrites(t, admx, adml) {
		where := fmt.Sprintf(`policy %s writes %s\%s`, w.policy, w.key, w.name)
		if strings.EqualFold(w.key, PolicyKey) {
			i := slices.IndexFunc(policySettings, func(s policySetting) bool { return s.name == w.name })
			if i < 0 {
				t.Errorf("%s: the app reads no value %q at the top of the policy; it reads %q", where, w.name, PolicyValueNames())
				continue
			}
			top[w.name] = true
			checkTemplateKind(t, where, w, policySettings[i].kind)
			checkTopValues(t, where, w)
			continue
		}
		slot, ok := sourceSlotKey(w.key)
		if !ok {
			t.Errorf(`%s: the app reads only %s and, for managed sources, %s\%s\NAME`, where, PolicyKey, PolicyKey, policySourcesKey)
			continue
		}
		i := slices.IndexFunc(policySourceSettings, func(s sourceSetting) bool { return s.name == w.name })
		if i < 0 {
			t.Errorf("%s: the app reads no value %q in a managed source; it reads %q", where, w.name, PolicySourceValueNames())
			continue
		}
		if slots[slot] == nil {
			slots[slot] = map[string]bool{}
		}
		slots[slot][w.name] = true
		checkTemplateKind(t, where, w, policySourceSettings[i].kind)
		checkSourceValues(t, where, w, policySourceSettings[i])
	}
	for _, name := range PolicyValueNames() {
		if !top[name] {
			t.Errorf(`the app reads %s\%s, but no policy of the templates writes it`, PolicyKey, name)
		}
	}
	if len(slots) == 0 {
		t.Errorf(`no policy of the templates writes a managed source (%s\%s\NAME)`, PolicyKey, policySourcesKey)
	}
	for slot, names := range slots {
		for _, name := range PolicySourceValueNames() {
			if !names[name] {
				t.Errorf(`the managed source slot %s\%s\%s lacks %s, which the app reads`, PolicyKey, policySourcesKey, slot, name)
			}
		}
	}
}

// checkTemplateKind: w writes values of the kind the app reads, and a setting that has a fixed
// few values is offered as exactly those.
func checkTemplateKind(t *testing.T, where string, w templateWrite, want policyKind) {
	t.Helper()
	if w.kind != want {
		t.Errorf("%s as %s; the app expects %s", where, kindName(w.kind), policyKindWords(want))
	}
	if choices, ok := policyChoices[w.name]; ok {
		var got []string
		for _, s := range w.samples {
			got = append(got, s.s)
		}
		if w.element == nil || w.element.XMLName.Local != "enum" || !slices.Equal(got, choices) {
			t.Errorf("%s: want a list to choose from of exactly %q, got %s %q", where, choices, kindName(w.kind), got)
		}
	}
}

// checkTopValues: the values w can write at the top of the policy are ones the app uses.
func checkTopValues(t *testing.T, where string, w templateWrite) {
	t.Helper()
	for _, v := range w.samples {
		switch {
		case w.name == "ProxyMode":
			if _, err := (NetworkSettings{ProxyMode: v.s, ProxyURL: "http://proxy.example:3128"}).Proxy(); err != nil {
				t.Errorf("%s = %q, which the app refuses: %v", where, v.s, err)
			}
		case w.kind == policyInt && (v.n < 0 || v.n > math.MaxInt32):
			t.Errorf("%s = %d: the app reads numbers from 0 to %d", where, v.n, math.MaxInt32)
		}
	}
}

// checkSourceValues: each value w can write into a managed source passes the source's
// validation, and a number's range is exactly what validation accepts. A value NewProfile
// gives a default is required (an empty box could be written as an empty value and replace
// the default), and its box shows that default; Name is required (without it the key's name,
// "1", would name the source).
func checkSourceValues(t *testing.T, where string, w templateWrite, s sourceSetting) {
	t.Helper()
	field := strings.ToLower(w.name[:1]) + w.name[1:] // as Profile's JSON and FieldError name it
	refused := func(v policyValue) string {
		p := NewProfile("Template test")
		p.Auth = AuthToken // needs no key or client ID
		s.set(&p, v)
		var ve *ValidationError
		if errors.As(p.Validate(), &ve) {
			return ve.For(field)
		}
		return ""
	}
	for _, v := range w.samples {
		if msg := refused(v); msg != "" {
			t.Errorf("%s = %s, which the app refuses: %s", where, sampleText(w.kind, v), msg)
		}
	}
	if w.kind == policyInt {
		if w.min > 0 && refused(policyValue{n: w.min - 1}) == "" {
			t.Errorf("%s: the app accepts %d too; make minValue what the app accepts", where, w.min-1)
		}
		if refused(policyValue{n: w.max + 1}) == "" {
			t.Errorf("%s: the app accepts %d too; make maxValue what the app accepts", where, w.max+1)
		}
	}
	def := profileDefaults(t)[field]
	if (def != "" || w.name == "Name") && (w.element == nil || !w.element.Required) {
		t.Errorf("%s: make it required, or an empty box could replace the source's %s", where,
			cmp.Or(def, "name (the key's name would stand in)"))
	}
	if def != "" && w.element != nil && w.element.XMLName.Local != "enum" && w.shown != def {
		t.Errorf("%s: its box shows %q; make it show the app's default, %s", where, w.shown, def)
	}
}

// profileDefaults are NewProfile's values by JSON name, as text; "" where it has none.
func profileDefaults(t *testing.T) map[string]string {
	t.Helper()
	data, err := json.Marshal(NewProfile(""))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	defaults := map[string]string{}
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) != nil {
			s = string(v) // a number
		}
		if s != "0" {
			defaults[k] = s
		}
	}
	return defaults
}

func sampleText(k policyKind, v policyValue) string {
	if k == policyText {
		return fmt.Sprintf("%q", v.s)
	}
	return fmt.Sprint(v.n)
}

func kindName(k policyKind) string {
	return map[policyKind]string{policyBool: "a DWORD 0 or 1", policyInt: "a DWORD number", policyText: "a string",
		policyList: "a multi-string (REG_MULTI_SZ)"}[k]
}

// stringRef matches a reference to a string of the ADML, $(string.ID).
var stringRef = regexp.MustCompile(`^\$\(string\.(\w+)\)$`)

// TestPolicyTemplatesTexts: every string and presentation the ADMX names is in the ADML, and
// every one the ADML holds is used; each policy's presentation shows each of its elements
// once, with a control of the element's kind; number boxes start within their range; the
// categories and supported-on definitions referred to exist, under a top category "Redox
// Uploader"; the ADML is the revision the ADMX asks for.
func TestPolicyTemplatesTexts(t *testing.T) {
	admx, adml := readPolicyTemplates(t)
	texts := map[string]string{}
	for _, s := range adml.Strings {
		texts[s.ID] = s.Text
	}
	used := map[string]bool{}
	useString := func(where, ref string, optional bool) {
		m := stringRef.FindStringSubmatch(ref)
		switch {
		case m == nil && (ref != "" || !optional):
			t.Errorf("%s: %q is not a reference to a string, $(string.ID)", where, ref)
		case m != nil && strings.TrimSpace(texts[m[1]]) == "":
			t.Errorf("%s: the ADML has no string %s", where, m[1])
		case m != nil:
			used[m[1]] = true
		}
	}
	categories := map[string]admxCategory{}
	for _, c := range admx.Categories {
		categories[c.Name] = c
		useString("category "+c.Name, c.DisplayName, false)
		useString("category "+c.Name, c.ExplainText, true)
	}
	for _, c := range admx.Categories {
		if _, ok := categories[c.Parent.Ref]; c.Parent.Ref != "" && !ok {
			t.Errorf("category %s: no parent category %s", c.Name, c.Parent.Ref)
		}
	}
	supported := map[string]bool{}
	for _, s := range admx.SupportedOn {
		supported[s.Name] = true
		useString("supportedOn "+s.Name, s.DisplayName, false)
	}
	presentations := map[string]bool{}
	names := map[string]bool{}
	for _, p := range admx.Policies {
		where := "policy " + p.Name
		if names[p.Name] {
			t.Errorf("%s: two policies have this name", where)
		}
		names[p.Name] = true
		useString(where, p.DisplayName, false)
		useString(where, p.ExplainText, false)
		if !slices.Contains([]string{"Machine", "User", "Both"}, p.Class) {
			t.Errorf("%s: class %q is none of Machine, User, Both", where, p.Class)
		}
		if !supported[p.SupportedOn.Ref] {
			t.Errorf("%s: no supportedOn definition %q", where, p.SupportedOn.Ref)
		}
		top := p.Parent.Ref
		for i := 0; i < len(categories) && categories[top].Parent.Ref != ""; i++ {
			top = categories[top].Parent.Ref
		}
		if c, ok := categories[top]; !ok || texts[strings.TrimSuffix(strings.TrimPrefix(c.DisplayName, "$(string."), ")")] != "Redox Uploader" {
			t.Errorf(`%s: category %q is not under a top category shown as "Redox Uploader"`, where, p.Parent.Ref)
		}
		for _, e := range p.Elements.All {
			for _, item := range e.Items {
				useString(where+", element "+e.ID, item.DisplayName, false)
			}
		}
		checkPresentation(t, where, p, adml, presentations)
	}
	for _, s := range adml.Strings {
		if !used[s.ID] {
			t.Errorf("the ADML's string %s is used by nothing in the ADMX", s.ID)
		}
	}
	for _, p := range adml.Presentations {
		if !presentations[p.ID] {
			t.Errorf("the ADML's presentation %s is used by no policy", p.ID)
		}
	}
	if adml.Revision != admx.Resources.MinRequiredRevision {
		t.Errorf("the ADML is revision %q; the ADMX asks for %q", adml.Revision, admx.Resources.MinRequiredRevision)
	}
}

// controlKinds are the controls that can show each kind of element.
var controlKinds = map[string][]string{
	"text":      {"textBox", "comboBox"},
	"multiText": {"multiTextBox"},
	"decimal":   {"decimalTextBox"},
	"enum":      {"dropdownList"},
	"boolean":   {"checkBox"},
}

// checkPresentation: p's presentation exists when p has elements, and shows each element
// once, with a control of its kind; a number box starts within the element's range.
func checkPresentation(t *testing.T, where string, p admxPolicy, adml admlFile, used map[string]bool) {
	t.Helper()
	if p.Presentation == "" {
		if len(p.Elements.All) > 0 {
			t.Errorf("%s has elements but no presentation", where)
		}
		return
	}
	pr, ok := adml.presentation(p.Presentation)
	if !ok {
		t.Errorf("%s: the ADML has no presentation %s", where, p.Presentation)
		return
	}
	used[pr.ID] = true
	for _, e := range p.Elements.All {
		n := 0
		for _, c := range pr.Controls {
			if c.RefID != e.ID {
				continue
			}
			n++
			if !slices.Contains(controlKinds[e.XMLName.Local], c.XMLName.Local) {
				t.Errorf("%s: element %s (%s) is shown as a %s; use one of %q", where, e.ID, e.XMLName.Local, c.XMLName.Local,
					controlKinds[e.XMLName.Local])
			}
			if c.XMLName.Local == "decimalTextBox" {
				if d, err := strconv.ParseUint(c.defaultValue(), 10, 32); err != nil || d < e.min() || d > e.max() {
					t.Errorf("%s: element %s's box starts at %s, outside %d..%d", where, e.ID, c.defaultValue(), e.min(), e.max())
				}
			}
		}
		if n != 1 {
			t.Errorf("%s: element %s is shown by %d controls of presentation %s, want 1", where, e.ID, n, pr.ID)
		}
	}
	for _, c := range pr.Controls {
		if c.XMLName.Local != "text" && !slices.ContainsFunc(p.Elements.All, func(e admxElement) bool { return e.ID == c.RefID }) {
			t.Errorf("%s: presentation %s shows %q, which is no element of the policy", where, pr.ID, c.RefID)
		}
	}
}
