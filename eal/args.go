package eal

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// MaxLcore is the number of lcore ids (0..MaxLcore-1), as DPDK's RTE_MAX_LCORE.
const MaxLcore = 128

// MaxNUMANodes is the number of NUMA nodes --socket-mem and --socket-limit can
// give amounts for, as DPDK's RTE_MAX_NUMA_NODES.
const MaxNUMANodes = 8

// DefaultFilePrefix is the runtime file prefix used when Config.FilePrefix is
// empty, as DPDK's default --file-prefix.
const DefaultFilePrefix = "rte"

// maxMB bounds memory amounts in MB so that a byte count (MB << 20) fits in an
// int: 2^43-1 on 64-bit platforms, 2047 on 32-bit ones.
const maxMB = math.MaxInt >> 20

var (
	// ErrUnknownOption is matched (errors.Is) by a ParseArgs error for an option
	// that is not an EAL option, or for an argument before "--" that is not an
	// option at all.
	ErrUnknownOption = errors.New("eal: unknown option")
	// ErrBadOption is matched (errors.Is) by every other ParseArgs error: a
	// malformed or missing value, or options that cannot be used together.
	ErrBadOption = errors.New("eal: bad option")
)

// ArgError is the error ParseArgs returns. It matches ErrUnknownOption or
// ErrBadOption with errors.Is, and unwraps to Err.
type ArgError struct {
	Option string // the option as written ("-l", "--lcores"); "" for a stray non-option argument
	Value  string // the option's value as written, or the stray argument
	Err    error  // what is wrong: ErrUnknownOption itself, or a description of the bad value
}

// Error reads like `eal: option --lcores "0@abc": bad CPU list: ...`.
func (e *ArgError) Error() string {
	switch {
	case e.Option == "":
		return fmt.Sprintf("eal: unexpected argument %q (application arguments go after \"--\")", e.Value)
	case errors.Is(e.Err, ErrUnknownOption):
		return "eal: unknown option " + e.Option
	case e.Value == "":
		return fmt.Sprintf("eal: option %s: %v", e.Option, e.Err)
	default:
		return fmt.Sprintf("eal: option %s %q: %v", e.Option, e.Value, e.Err)
	}
}

// Unwrap returns Err.
func (e *ArgError) Unwrap() error { return e.Err }

// Is reports whether target is ErrBadOption and the error is not an unknown option.
func (e *ArgError) Is(target error) bool {
	return target == ErrBadOption && !errors.Is(e.Err, ErrUnknownOption)
}

// LcoreSpec maps one logical lcore id to the CPUs its thread may run on.
type LcoreSpec struct {
	ID   int    // lcore id, 0..MaxLcore-1
	CPUs CPUSet // CPUs the lcore's thread is pinned to; never empty after ParseArgs
}

// Config is the parsed EAL command line. The zero value asks for the defaults, with
// one exception: MainLcore 0 in a Config literal names lcore 0, while ParseArgs
// sets -1 when --main-lcore is absent.
type Config struct {
	// Lcores are the enabled lcores sorted by ID (-l, -c or --lcores); nil when
	// none of them was given, and Init then uses every CPU the process may run on.
	Lcores []LcoreSpec
	// MainLcore is the main lcore id (--main-lcore); -1 = the lowest listed lcore.
	MainLcore int
	// ServiceCores are the service lcore ids (-s mask or -S list), recorded only:
	// dpk has no service cores.
	ServiceCores CPUSet
	// MemChannels is the number of memory channels (-n), a hint for spreading
	// objects; 0 = not given.
	MemChannels int
	// MemoryMB is the memory to use in MB (-m); 0 = not given. With NoHuge it is
	// the size of the memfd.
	MemoryMB int
	// SocketMem is the memory in MB to preallocate per NUMA node, node 0 first
	// (--socket-mem); nil = not given.
	SocketMem []int
	// SocketLimit caps the memory in MB per NUMA node, 0 = no cap (--socket-limit).
	SocketLimit []int
	// HugeDir is the hugetlbfs mount to create huge page files in (--huge-dir);
	// "" = memfd.
	HugeDir string
	// NoHuge uses normal pages from a memfd (--no-huge).
	NoHuge bool
	// InMemory creates no runtime files (--in-memory).
	InMemory bool
	// NoPCI disables the PCI bus, leaving only vdevs (--no-pci); dpk has no PCI
	// devices either way.
	NoPCI bool
	// NoTelemetry disables telemetry (--no-telemetry).
	NoTelemetry bool
	// NoShconf creates no shared configuration files (--no-shconf).
	NoShconf bool
	// NoHPET disables the HPET timer (--no-hpet); recorded only.
	NoHPET bool
	// SingleFileSegments uses one huge page file per segment list
	// (--single-file-segments).
	SingleFileSegments bool
	// LegacyMem reserves memory statically at start (--legacy-mem).
	LegacyMem bool
	// HugeUnlink is the huge page file discipline (--huge-unlink): "" (not given,
	// as DPDK's "existing"), "existing", "always" (also the bare option) or "never".
	HugeUnlink string
	// FilePrefix names the runtime directory and huge page files (--file-prefix);
	// "" = DefaultFilePrefix.
	FilePrefix string
	// ProcType is "primary", "secondary" or "auto" (--proc-type, lower-cased);
	// "" = primary. Only primary processes are supported: Init rejects the others.
	ProcType string
	// Vdevs are the virtual devices to create (--vdev "drv<id>,k=v,..."), in
	// command-line order.
	Vdevs []string
	// Allow is the PCI allow list (-a/--allow), recorded only.
	Allow []string
	// Block is the PCI block list (-b/--block), recorded only.
	Block []string
	// IOVAMode is "va" or "pa" (--iova-mode); "" = "va".
	IOVAMode string
	// MbufPoolOpsName is the mempool ops name for mbuf pools
	// (--mbuf-pool-ops-name); "" = the default.
	MbufPoolOpsName string
	// LogLevel holds the --log-level values in order: "level", "glob:level",
	// "regex,level" or "help", level being 1-8 or emergency...debug.
	LogLevel []string
	// Plugins are the -d driver libraries or directories, recorded and ignored:
	// dpk drivers are compiled in.
	Plugins []string
	// Version asks to print the version (-v).
	Version bool
	// Help asks to print Usage (-h, --help).
	Help bool
}

// occurrence is one option as found on the command line.
type occurrence struct {
	name     string // as written: "-l", "--lcores"
	value    string
	hasValue bool
}

type argKind uint8

const (
	noArg       argKind = iota
	needArg             // "-x v", "-xv", "--opt v", "--opt=v"
	optionalArg         // only "--opt=v", as getopt's optional_argument
)

type optionDef struct {
	long  string // without "--"; "" if there is none
	short byte   // 0 if there is none
	arg   argKind
	set   func(p *parser, o occurrence) error
}

// key identifies the option whichever form was used.
func (d *optionDef) key() string {
	if d.long != "" {
		return d.long
	}
	return string(d.short)
}

func setFlag(f func(c *Config)) func(*parser, occurrence) error {
	return func(p *parser, _ occurrence) error { f(&p.cfg); return nil }
}

// options is the EAL option table (read only).
var options = []optionDef{
	{short: 'l', arg: needArg, set: (*parser).setCoreList},
	{short: 'c', arg: needArg, set: (*parser).setCoreMask},
	{long: "lcores", arg: needArg, set: (*parser).setLcores},
	{long: "main-lcore", arg: needArg, set: (*parser).setMainLcore},
	{short: 's', arg: needArg, set: (*parser).setServiceMask},
	{short: 'S', arg: needArg, set: (*parser).setServiceList},
	{short: 'n', arg: needArg, set: func(p *parser, o occurrence) (err error) {
		p.cfg.MemChannels, err = parsePositive(o.value, 1<<20)
		return err
	}},
	{short: 'm', arg: needArg, set: func(p *parser, o occurrence) (err error) {
		p.cfg.MemoryMB, err = parsePositive(o.value, maxMB)
		return err
	}},
	{long: "socket-mem", arg: needArg, set: func(p *parser, o occurrence) (err error) {
		p.cfg.SocketMem, err = parseSocketAmounts(o.value)
		return err
	}},
	{long: "socket-limit", arg: needArg, set: func(p *parser, o occurrence) (err error) {
		p.cfg.SocketLimit, err = parseSocketAmounts(o.value)
		return err
	}},
	{long: "huge-dir", arg: needArg, set: func(p *parser, o occurrence) error {
		p.cfg.HugeDir = o.value
		return nonEmpty(o.value)
	}},
	{long: "huge-unlink", arg: optionalArg, set: func(p *parser, o occurrence) error {
		if !o.hasValue {
			p.cfg.HugeUnlink = "always"
			return nil
		}
		switch o.value {
		case "existing", "always", "never":
			p.cfg.HugeUnlink = o.value
			return nil
		}
		return errors.New("want existing, always or never")
	}},
	{long: "single-file-segments", set: setFlag(func(c *Config) { c.SingleFileSegments = true })},
	{long: "legacy-mem", set: setFlag(func(c *Config) { c.LegacyMem = true })},
	{long: "no-huge", set: setFlag(func(c *Config) { c.NoHuge = true })},
	{long: "in-memory", set: setFlag(func(c *Config) { c.InMemory = true })},
	{long: "no-shconf", set: setFlag(func(c *Config) { c.NoShconf = true })},
	{long: "no-pci", set: setFlag(func(c *Config) { c.NoPCI = true })},
	{long: "no-hpet", set: setFlag(func(c *Config) { c.NoHPET = true })},
	{long: "no-telemetry", set: setFlag(func(c *Config) { c.NoTelemetry = true })},
	{long: "file-prefix", arg: needArg, set: func(p *parser, o occurrence) error {
		if err := nonEmpty(o.value); err != nil {
			return err
		}
		if strings.ContainsAny(o.value, "%/") {
			return errors.New("must not contain '%' or '/'")
		}
		p.cfg.FilePrefix = o.value
		return nil
	}},
	{long: "proc-type", arg: needArg, set: func(p *parser, o occurrence) error {
		v := strings.ToLower(o.value)
		switch v {
		case "primary", "secondary", "auto":
			p.cfg.ProcType = v
			return nil
		}
		return errors.New("want primary, secondary or auto")
	}},
	{long: "allow", short: 'a', arg: needArg, set: func(p *parser, o occurrence) error {
		if b, ok := p.seen["block"]; ok {
			return fmt.Errorf("cannot be used with %s", b.name)
		}
		p.cfg.Allow = append(p.cfg.Allow, o.value)
		return nonEmpty(o.value)
	}},
	{long: "block", short: 'b', arg: needArg, set: func(p *parser, o occurrence) error {
		if a, ok := p.seen["allow"]; ok {
			return fmt.Errorf("cannot be used with %s", a.name)
		}
		p.cfg.Block = append(p.cfg.Block, o.value)
		return nonEmpty(o.value)
	}},
	{long: "vdev", arg: needArg, set: func(p *parser, o occurrence) error {
		if name, _, _ := strings.Cut(o.value, ","); strings.TrimSpace(name) == "" {
			return errors.New("empty device name")
		}
		p.cfg.Vdevs = append(p.cfg.Vdevs, o.value)
		return nil
	}},
	{long: "iova-mode", arg: needArg, set: func(p *parser, o occurrence) error {
		if o.value != "va" && o.value != "pa" {
			return errors.New("want va or pa")
		}
		p.cfg.IOVAMode = o.value
		return nil
	}},
	{long: "mbuf-pool-ops-name", arg: needArg, set: func(p *parser, o occurrence) error {
		p.cfg.MbufPoolOpsName = o.value
		return nonEmpty(o.value)
	}},
	{long: "log-level", arg: needArg, set: func(p *parser, o occurrence) error {
		if err := checkLogLevel(o.value); err != nil {
			return err
		}
		p.cfg.LogLevel = append(p.cfg.LogLevel, o.value)
		return nil
	}},
	{short: 'd', arg: needArg, set: func(p *parser, o occurrence) error {
		p.cfg.Plugins = append(p.cfg.Plugins, o.value)
		return nonEmpty(o.value)
	}},
	{short: 'v', set: setFlag(func(c *Config) { c.Version = true })},
	{long: "help", short: 'h', set: setFlag(func(c *Config) { c.Help = true })},
}

func lookupLong(name string) *optionDef {
	for i := range options {
		if options[i].long != "" && options[i].long == name {
			return &options[i]
		}
	}
	return nil
}

func lookupShort(c byte) *optionDef {
	for i := range options {
		if options[i].short != 0 && options[i].short == c {
			return &options[i]
		}
	}
	return nil
}

type parser struct {
	cfg  Config
	seen map[string]occurrence // last occurrence of each option, by optionDef.key
}

// ParseArgs parses DPDK EAL options (as rte_eal_init does with argv[1:]) up to
// "--" and returns the Config and the application's arguments: a copy of those
// after "--", nil when there are none. Without "--" every argument must be an EAL
// option.
//
// As getopt_long does, it accepts "--opt value" and "--opt=value", short options
// with the value glued or apart ("-l0-3", "-l 0-3") and clustered flags ("-vh"); a
// value is taken as is even when it starts with '-'. Long options must be spelled
// in full (no abbreviations). --huge-unlink takes its optional value only in the
// "=" form. Repeating an option keeps the last value, except that --vdev,
// -a/--allow, -b/--block, --log-level and -d accumulate, and that only one of -l,
// -c and --lcores may be given, once.
//
// Errors are *ArgError naming the option and value; they match ErrUnknownOption
// for an option that is not an EAL option and ErrBadOption for everything else:
// bad values, lcore ids of MaxLcore or more, CPU ids of MaxCPU or more,
// --main-lcore not among the lcores (checked after all options) or used as a
// service core, and the combinations DPDK refuses: -l/-c/--lcores together,
// -a with -b, -m with --socket-mem, --no-huge with --socket-mem, --huge-unlink
// (always) with --no-huge or --single-file-segments unless --in-memory,
// --huge-unlink=never with --in-memory, and --legacy-mem with --in-memory.
func ParseArgs(args []string) (Config, []string, error) {
	p := parser{cfg: Config{MainLcore: -1}, seen: map[string]occurrence{}}
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			rest = slices.Clone(args[i+1:])
			if len(rest) == 0 {
				rest = nil
			}
			i = len(args)
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			def := lookupLong(name)
			if def == nil {
				return Config{}, nil, &ArgError{Option: "--" + name, Value: val, Err: ErrUnknownOption}
			}
			o := occurrence{name: "--" + name, value: val, hasValue: hasVal}
			switch def.arg {
			case noArg:
				if hasVal {
					return Config{}, nil, &ArgError{Option: o.name, Value: val, Err: errors.New("takes no value")}
				}
			case needArg:
				if !hasVal {
					if i+1 >= len(args) {
						return Config{}, nil, &ArgError{Option: o.name, Err: errors.New("requires a value")}
					}
					i++
					o.value, o.hasValue = args[i], true
				}
			}
			if err := p.apply(def, o); err != nil {
				return Config{}, nil, err
			}
		case len(a) > 1 && a[0] == '-':
			for j := 1; j < len(a); j++ {
				def := lookupShort(a[j])
				if def == nil {
					return Config{}, nil, &ArgError{Option: "-" + a[j:j+1], Err: ErrUnknownOption}
				}
				o := occurrence{name: "-" + a[j:j+1]}
				if def.arg == needArg {
					switch {
					case j+1 < len(a):
						o.value = a[j+1:]
					case i+1 < len(args):
						i++
						o.value = args[i]
					default:
						return Config{}, nil, &ArgError{Option: o.name, Err: errors.New("requires a value")}
					}
					o.hasValue = true
					j = len(a)
				}
				if err := p.apply(def, o); err != nil {
					return Config{}, nil, err
				}
			}
		default:
			return Config{}, nil, &ArgError{Value: a, Err: ErrUnknownOption}
		}
	}
	if err := p.check(); err != nil {
		return Config{}, nil, err
	}
	return p.cfg, rest, nil
}

func (p *parser) apply(def *optionDef, o occurrence) error {
	if err := def.set(p, o); err != nil {
		return &ArgError{Option: o.name, Value: o.value, Err: err}
	}
	p.seen[def.key()] = o
	return nil
}

// check applies the rules between options once all are known.
func (p *parser) check() error {
	c := &p.cfg
	bad := func(key, format string, a ...any) error {
		o := p.seen[key]
		return &ArgError{Option: o.name, Value: o.value, Err: fmt.Errorf(format, a...)}
	}
	if c.MainLcore >= 0 {
		if c.Lcores != nil && !slices.ContainsFunc(c.Lcores, func(s LcoreSpec) bool { return s.ID == c.MainLcore }) {
			return bad("main-lcore", "lcore %d is not in the lcore list (%s)", c.MainLcore, p.coreOption().name)
		}
		if c.ServiceCores.Has(c.MainLcore) {
			return bad("main-lcore", "lcore %d is also a service core", c.MainLcore)
		}
	}
	_, mem := p.seen["m"]
	_, socketMem := p.seen["socket-mem"]
	unlinkAlways := c.HugeUnlink == "always"
	switch {
	case mem && socketMem:
		return bad("m", "cannot be used with --socket-mem")
	case c.NoHuge && socketMem:
		return bad("socket-mem", "cannot be used with --no-huge")
	case c.NoHuge && unlinkAlways && !c.InMemory:
		return bad("huge-unlink", "cannot be used with --no-huge (except with --in-memory)")
	case c.SingleFileSegments && unlinkAlways && !c.InMemory:
		return bad("huge-unlink", "cannot be used with --single-file-segments (except with --in-memory)")
	case c.HugeUnlink == "never" && c.InMemory:
		return bad("huge-unlink", "cannot be used with --in-memory")
	case c.LegacyMem && c.InMemory:
		return bad("legacy-mem", "cannot be used with --in-memory")
	}
	return nil
}

// coreOption returns the -l, -c or --lcores occurrence, if any.
func (p *parser) coreOption() occurrence {
	for _, k := range []string{"l", "c", "lcores"} {
		if o, ok := p.seen[k]; ok {
			return o
		}
	}
	return occurrence{}
}

// oneCoreOption fails when -l, -c or --lcores was already given.
func (p *parser) oneCoreOption(o occurrence) error {
	prev := p.coreOption()
	switch {
	case prev.name == "":
		return nil
	case prev.name == o.name:
		return errors.New("given more than once")
	default:
		return fmt.Errorf("cannot be used with %s", prev.name)
	}
}

// identityLcores maps each id of set to the CPU of the same number, as -l and -c.
func identityLcores(set CPUSet) ([]LcoreSpec, error) {
	if set.Count() == 0 {
		return nil, errors.New("no lcores")
	}
	var specs []LcoreSpec
	for _, id := range set.List() {
		if id >= MaxLcore {
			return nil, fmt.Errorf("lcore %d >= MaxLcore (%d); use --lcores to map high CPU ids to low lcore ids", id, MaxLcore)
		}
		var cpus CPUSet
		cpus.Set(id)
		specs = append(specs, LcoreSpec{ID: id, CPUs: cpus})
	}
	return specs, nil
}

func (p *parser) setCoreList(o occurrence) error {
	if err := p.oneCoreOption(o); err != nil {
		return err
	}
	set, err := parseCPUList(o.value)
	if err != nil {
		return fmt.Errorf("bad CPU list: %w", err)
	}
	p.cfg.Lcores, err = identityLcores(set)
	return err
}

func (p *parser) setCoreMask(o occurrence) error {
	if err := p.oneCoreOption(o); err != nil {
		return err
	}
	set, err := parseCoreMask(o.value)
	if err != nil {
		return fmt.Errorf("bad core mask: %w", err)
	}
	p.cfg.Lcores, err = identityLcores(set)
	return err
}

func (p *parser) setLcores(o occurrence) error {
	if err := p.oneCoreOption(o); err != nil {
		return err
	}
	specs, err := parseLcores(o.value)
	if err != nil {
		return err
	}
	p.cfg.Lcores = specs
	return nil
}

func (p *parser) setMainLcore(o occurrence) error {
	id, err := parseID(o.value, MaxLcore)
	if err != nil {
		return fmt.Errorf("bad lcore id: %w", err)
	}
	p.cfg.MainLcore = id
	return nil
}

func serviceCores(set CPUSet) (CPUSet, error) {
	if set.Count() == 0 {
		return CPUSet{}, errors.New("no service cores")
	}
	if l := set.List(); l[len(l)-1] >= MaxLcore {
		return CPUSet{}, fmt.Errorf("lcore %d >= MaxLcore (%d)", l[len(l)-1], MaxLcore)
	}
	return set, nil
}

func (p *parser) setServiceMask(o occurrence) error {
	set, err := parseCoreMask(o.value)
	if err != nil {
		return fmt.Errorf("bad core mask: %w", err)
	}
	p.cfg.ServiceCores, err = serviceCores(set)
	return err
}

func (p *parser) setServiceList(o occurrence) error {
	set, err := parseCPUList(o.value)
	if err != nil {
		return fmt.Errorf("bad CPU list: %w", err)
	}
	p.cfg.ServiceCores, err = serviceCores(set)
	return err
}

// parseLcores parses the --lcores syntax: comma-separated elements
// "lcores[@cpus]", each side a number, a range "a-b" or a group "(a-b,c,...)".
// With "@" every lcore of the left side runs on all CPUs of the right side.
// Without it, a number or range maps each lcore to the CPU of the same id, and a
// group maps each lcore to all CPUs of the group. An lcore named twice keeps the
// last mapping, as in DPDK.
func parseLcores(s string) ([]LcoreSpec, error) {
	elems, err := splitLcores(s)
	if err != nil {
		return nil, err
	}
	var (
		enabled CPUSet
		cpusOf  [MaxLcore]CPUSet
	)
	for _, e := range elems {
		lhs, rhs, hasAt := strings.Cut(e, "@")
		ids, group, err := parseLcoreSet(lhs)
		if err != nil {
			return nil, fmt.Errorf("element %q: bad lcore set: %w", e, err)
		}
		var cpus CPUSet
		if hasAt {
			if cpus, _, err = parseLcoreSet(rhs); err != nil {
				return nil, fmt.Errorf("element %q: bad CPU set: %w", e, err)
			}
		} else if group {
			cpus = ids
		}
		for _, id := range ids.List() {
			if id >= MaxLcore {
				return nil, fmt.Errorf("element %q: lcore %d >= MaxLcore (%d)", e, id, MaxLcore)
			}
			enabled.Set(id)
			if hasAt || group {
				cpusOf[id] = cpus
			} else {
				cpusOf[id] = CPUSet{}
				cpusOf[id].Set(id)
			}
		}
	}
	var specs []LcoreSpec
	for _, id := range enabled.List() {
		specs = append(specs, LcoreSpec{ID: id, CPUs: cpusOf[id]})
	}
	if specs == nil {
		return nil, errors.New("no lcores")
	}
	return specs, nil
}

// splitLcores splits s at the commas outside parentheses.
func splitLcores(s string) ([]string, error) {
	var elems []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			if depth++; depth > 1 {
				return nil, fmt.Errorf("nested '(' at offset %d", i)
			}
		case ')':
			if depth--; depth < 0 {
				return nil, fmt.Errorf("unbalanced ')' at offset %d", i)
			}
		case ',':
			if depth == 0 {
				elems = append(elems, s[start:i])
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, errors.New("missing ')'")
	}
	return append(elems, s[start:]), nil
}

// parseLcoreSet parses one side of an --lcores element: "n", "a-b" or a group
// "(...)" of numbers and ranges (ranges may be high-low there, as in DPDK).
func parseLcoreSet(s string) (set CPUSet, group bool, err error) {
	t := strings.Trim(s, " \t")
	if inner, ok := strings.CutPrefix(t, "("); ok {
		inner, ok = strings.CutSuffix(inner, ")")
		if !ok {
			return set, true, fmt.Errorf("%q: text after ')'", t)
		}
		if strings.TrimSpace(inner) == "" {
			return set, true, errors.New("empty group")
		}
		err = parseRanges(inner, MaxCPU, true, func(lo, hi int) {
			for c := lo; c <= hi; c++ {
				set.Set(c)
			}
		})
		return set, true, err
	}
	if strings.ContainsAny(t, "()") {
		return set, false, fmt.Errorf("%q: misplaced parenthesis", t)
	}
	lo, hi, err := parseRange(t, MaxCPU)
	if err != nil {
		return set, false, err
	}
	for c := min(lo, hi); c <= max(lo, hi); c++ {
		set.Set(c)
	}
	return set, false, nil
}

// parsePositive parses a decimal integer in 1..limit.
func parsePositive(s string, limit int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > limit {
		return 0, fmt.Errorf("want a whole number from 1 to %d", limit)
	}
	return n, nil
}

// parseSocketAmounts parses --socket-mem / --socket-limit: comma-separated MB
// amounts (0 allowed) for NUMA nodes 0, 1, ..., at most MaxNUMANodes.
func parseSocketAmounts(s string) ([]int, error) {
	parts := strings.Split(s, ",")
	if len(parts) > MaxNUMANodes {
		return nil, fmt.Errorf("%d amounts for at most %d NUMA nodes", len(parts), MaxNUMANodes)
	}
	amounts := make([]int, len(parts))
	total := 0
	for i, part := range parts {
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 || n > maxMB {
			return nil, fmt.Errorf("node %d: %q is not an amount in MB", i, part)
		}
		if total += n; total > maxMB {
			return nil, errors.New("total too large")
		}
		amounts[i] = n
	}
	return amounts, nil
}

func nonEmpty(v string) error {
	if v == "" {
		return errors.New("empty value")
	}
	return nil
}

// logLevels are DPDK's log level names, level 1 first.
var logLevels = [...]string{"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"}

// checkLogLevel validates a --log-level value: "level", "glob:level",
// "regex,level" or "help", where level is 1..8 or a name from logLevels.
func checkLogLevel(v string) error {
	if v == "help" {
		return nil
	}
	level := v
	if i := strings.LastIndexAny(v, ",:"); i >= 0 {
		// "regex,level" takes precedence over "glob:level", as in DPDK.
		if j := strings.LastIndexByte(v, ','); j >= 0 {
			i = j
		}
		if i == 0 {
			return errors.New("empty log type pattern")
		}
		level = v[i+1:]
	}
	if n, err := strconv.Atoi(level); err == nil {
		if n < 1 || n > len(logLevels) {
			return fmt.Errorf("level %d out of range 1-%d", n, len(logLevels))
		}
		return nil
	}
	for _, name := range logLevels {
		if strings.EqualFold(level, name) {
			return nil
		}
	}
	return fmt.Errorf("level %q: want 1-8 or emergency, alert, critical, error, warning, notice, info, debug", level)
}

// Args renders c as EAL options that ParseArgs turns back into c: fields at their
// zero value (MainLcore below 0) are left out, identity lcore mappings are written
// as -l and others as --lcores, service cores as -S. Every value is a separate
// argument ("--opt", "value"). Args does not validate c.
func (c Config) Args() []string {
	var a []string
	opt := func(name, val string) { a = append(a, name, val) }
	if c.Lcores != nil {
		if v, identity := renderLcores(c.Lcores); identity {
			opt("-l", v)
		} else {
			opt("--lcores", v)
		}
	}
	if c.MainLcore >= 0 {
		opt("--main-lcore", strconv.Itoa(c.MainLcore))
	}
	if c.ServiceCores.Count() > 0 {
		opt("-S", c.ServiceCores.String())
	}
	if c.MemChannels > 0 {
		opt("-n", strconv.Itoa(c.MemChannels))
	}
	if c.MemoryMB > 0 {
		opt("-m", strconv.Itoa(c.MemoryMB))
	}
	if c.SocketMem != nil {
		opt("--socket-mem", joinInts(c.SocketMem))
	}
	if c.SocketLimit != nil {
		opt("--socket-limit", joinInts(c.SocketLimit))
	}
	if c.HugeDir != "" {
		opt("--huge-dir", c.HugeDir)
	}
	if c.HugeUnlink != "" {
		a = append(a, "--huge-unlink="+c.HugeUnlink)
	}
	for _, f := range []struct {
		on   bool
		name string
	}{
		{c.SingleFileSegments, "--single-file-segments"},
		{c.LegacyMem, "--legacy-mem"},
		{c.NoHuge, "--no-huge"},
		{c.InMemory, "--in-memory"},
		{c.NoShconf, "--no-shconf"},
		{c.NoPCI, "--no-pci"},
		{c.NoHPET, "--no-hpet"},
		{c.NoTelemetry, "--no-telemetry"},
	} {
		if f.on {
			a = append(a, f.name)
		}
	}
	if c.FilePrefix != "" {
		opt("--file-prefix", c.FilePrefix)
	}
	if c.ProcType != "" {
		opt("--proc-type", c.ProcType)
	}
	for _, v := range c.Vdevs {
		opt("--vdev", v)
	}
	for _, v := range c.Allow {
		opt("-a", v)
	}
	for _, v := range c.Block {
		opt("-b", v)
	}
	if c.IOVAMode != "" {
		opt("--iova-mode", c.IOVAMode)
	}
	if c.MbufPoolOpsName != "" {
		opt("--mbuf-pool-ops-name", c.MbufPoolOpsName)
	}
	for _, v := range c.LogLevel {
		opt("--log-level", v)
	}
	for _, v := range c.Plugins {
		opt("-d", v)
	}
	if c.Version {
		a = append(a, "-v")
	}
	if c.Help {
		a = append(a, "-h")
	}
	return a
}

// renderLcores writes specs in --lcores syntax, grouping lcores that share a CPU
// set; identity reports whether every lcore runs on the CPU of its own id (the
// result is then also a -l list).
func renderLcores(specs []LcoreSpec) (s string, identity bool) {
	var ids CPUSet
	identity = true
	for _, sp := range specs {
		if sp.CPUs.Count() != 1 || !sp.CPUs.Has(sp.ID) {
			identity = false
		}
		ids.Set(sp.ID)
	}
	if identity {
		return ids.String(), true
	}
	var (
		elems  []string
		self   CPUSet // lcores on their own CPU, written as bare numbers and ranges
		groups []CPUSet
		lcores []CPUSet // lcores of each group, same index as groups
	)
	for _, sp := range specs {
		if sp.CPUs.Count() == 1 && sp.CPUs.Has(sp.ID) {
			self.Set(sp.ID)
			continue
		}
		i := slices.Index(groups, sp.CPUs)
		if i < 0 {
			groups = append(groups, sp.CPUs)
			lcores = append(lcores, CPUSet{})
			i = len(groups) - 1
		}
		lcores[i].Set(sp.ID)
	}
	if self.Count() > 0 {
		elems = append(elems, self.String())
	}
	set := func(s CPUSet) string {
		if s.Count() == 1 {
			return s.String()
		}
		return "(" + s.String() + ")"
	}
	for i, cpus := range groups {
		elems = append(elems, set(lcores[i])+"@"+set(cpus))
	}
	return strings.Join(elems, ","), false
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// Usage returns the help text for the EAL options, in the manner of DPDK's
// eal_common_usage, for an application's -h output.
func Usage() string {
	return fmt.Sprintf(`EAL options:
  -l CORELIST         Lcores to run on, ids = CPU ids: <c1>[-c2][,c3[-c4],...]
                      with ids from 0 to %[1]d
  -c COREMASK         Hexadecimal bitmask of lcores to run on (e.g. 0xf)
  --lcores COREMAP    Map lcore sets to CPU sets: '<lcores[@cpus]>[,<lcores[@cpus]>...]'
                      each side a number, a range a-b or a group (a-b,c,...);
                      '@cpus' can be omitted when the CPUs are the lcore ids
                      e.g. '0@2,(1-3)@(4-5)'. Only one of -l, -c, --lcores.
  --main-lcore ID     Lcore used as main (default: the lowest listed)
  -s SERVICE_MASK     Hexadecimal bitmask of service cores (recorded only)
  -S SERVICE_LIST     List of service cores (recorded only)
  -n CHANNELS         Number of memory channels
  -m MB               Memory to use in MB (with --no-huge: size of the memfd)
  --socket-mem MB,..  Memory to preallocate per NUMA node, in MB (not with -m)
  --socket-limit MB,. Memory limit per NUMA node, in MB (0 = no limit)
  --huge-dir PATH     hugetlbfs mount to create huge page files in
  --huge-unlink[=existing|always|never]
                      Huge page file handling (bare option: always)
  --single-file-segments
                      One huge page file per memory segment list
  --legacy-mem        Static memory layout
  --no-huge           Use 4 KiB pages from a shared memfd instead of huge pages
  --in-memory         Create no files in the runtime directory or hugetlbfs
  --file-prefix NAME  Prefix of runtime and huge page files (default %[2]q)
  --proc-type TYPE    primary|secondary|auto (only primary is supported)
  --no-shconf         No shared configuration files
  --no-pci            Disable PCI (only virtual devices)
  --no-hpet           Disable HPET
  --no-telemetry      Disable telemetry
  -a, --allow DEV     Add a device to the allow list (not with -b)
  -b, --block DEV     Add a device to the block list (not with -a)
  --vdev DEV          Add a virtual device: <driver><id>[,key=val,...]
                      (e.g. --vdev=net_null0); can be repeated
  --iova-mode MODE    IOVA mode: va (default) or pa
  --mbuf-pool-ops-name NAME
                      Mempool ops for mbuf pools
  --log-level LEVEL   Global log level: 1-8 or emergency, alert, critical,
                      error, warning, notice, info, debug
  --log-level GLOB:LEVEL / REGEX,LEVEL
                      Level of matching log types (e.g. lib.eal:debug);
                      can be repeated
  -d LIB.so|DIR       Driver plugin (accepted and ignored: drivers are built in)
  -v                  Display version information on startup
  -h, --help          This help

Application options follow "--".
`, MaxLcore-1, DefaultFilePrefix)
}
