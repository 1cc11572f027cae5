import { parseBenchOptions } from '../bench/options';

describe('npm run bench flags', () => {
  beforeEach(() => {
    // Commander prints each rejection with the usage; the assertions read the thrown message instead.
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  test('defaults of a full run', () => {
    const options = parseBenchOptions([]);

    expect(options.replayLimit).toBe(300);
    expect(options.replayStepMinutes).toBe(60);
    expect(options.timerRatePerSecond).toBe(20);
  });

  test('accepts all, whole numbers and decimals', () => {
    const options = parseBenchOptions(['--replay-limit', 'all', '--replay-step-minutes', '15', '--timer-rate', '0.5']);

    expect(options.replayLimit).toBe('all');
    expect(options.replayStepMinutes).toBe(15);
    expect(options.timerRatePerSecond).toBe(0.5);
  });

  test.each([
    ['--replay-step-minutes', '1e2', 'Use a whole number of at least 1 for --replay-step-minutes.'],
    ['--replay-step-minutes', '0x10', 'Use a whole number of at least 1 for --replay-step-minutes.'],
    ['--concurrency', '5.0', 'Use a whole number of at least 1 for --concurrency.'],
    ['--concurrency', '0', 'Use a whole number of at least 1 for --concurrency.'],
    ['--concurrency', '99999999999999999999', 'Use a whole number of at most 9007199254740991 for --concurrency.'],
    ['--replay-limit', '-3', "Use 'all' or a whole number from 1 to 9007199254740991 for --replay-limit."],
    ['--replay-limit', 'ALL', "Use 'all' or a whole number from 1 to 9007199254740991 for --replay-limit."],
    ['--replay-limit', '99999999999999999999', "Use 'all' or a whole number from 1 to 9007199254740991 for --replay-limit."],
    ['--timer-rate', '1e1', 'Use a number greater than 0 for --timer-rate, such as 2 or 0.5.'],
    ['--timer-rate', '0', 'Use a number greater than 0 for --timer-rate, such as 2 or 0.5.'],
    ['--sections', 'baseline,nope', "Unknown section 'nope'. Use a comma-separated list of baseline, lifecycle, latency, timers, escalations, memory, replay for --sections."],
  ])('rejects %s %s', (flag, value, advice) => {
    const parse = (): unknown => parseBenchOptions([flag, value]);

    expect(parse).toThrow(`argument '${value}' is invalid. ${advice}`);
  });
});
