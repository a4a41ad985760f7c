import { useRef, useState } from 'preact/hooks';
import { shortId, type ScheduleSlot, type SchedulerTask, type SlotFate } from '../../../functions/client';
import { ErrorNotice, Loading } from '../components/notices';
import { useTimeZone } from '../components/time';
import { runHref } from '../run-links';
import { hashFor, navigate } from '../router';
import type { Session } from '../session';
import { describeSlot, dstChangeBefore, FATE_LABELS, isMissed, lastSlots, slotWindows } from '../slot-timeline';
import { useLoad } from '../use-load';

/** Slots per strip. */
const SLOTS_PER_STRIP = 24;
const LEGEND: SlotFate[] = ['fired', 'caught_up', 'retried', 'period_taken', 'not_yet', 'skipped', 'dead_lettered', 'failed', 'missing'];

interface Strip {
  task: SchedulerTask;
  slots: ScheduleSlot[];
}

/**
 * Every schedule's last slots as a strip of cells coloured by fate (the slot ledger through
 * `GET /scheduler/tasks/{name}/slots`): hover or focus a cell for its time in the business zone,
 * its fate and its run; arrow keys move along a strip. "Missed only" keeps the schedules with a
 * slot past due that nothing stands for.
 */
export function TimelineView({ session, query }: { session: Session; query: URLSearchParams }) {
  const zone = useTimeZone();
  const missedOnly = query.get('missed') === '1';
  const strips = useLoad('timeline', () => loadStrips(session), { refreshMs: 60_000 });
  const shown = strips.data?.filter((strip) => !missedOnly || strip.slots.some(isMissed));
  return (
    <section>
      <h1 tabIndex={-1}>Timeline</h1>
      <p class="muted">
        Each schedule's last {SLOTS_PER_STRIP} slots (at most three months back), oldest on the left, in the business zone ({zone}). A ◆ marks the first slot after a
        change of UTC offset (daylight saving time).
      </p>
      <div class="filters">
        <label class="inline">
          <input
            type="checkbox"
            checked={missedOnly}
            onChange={(event) => navigate(hashFor('timeline', { missed: (event.target as HTMLInputElement).checked ? '1' : undefined }), { replace: true })}
          />
          Missed only (a slot missing, skipped, dead-lettered or failed)
        </label>
      </div>
      <ul class="plain legend" aria-label="Fates">
        {LEGEND.map((fate) => (
          <li key={fate}>
            <span class={`slot-swatch fate-${fate}`} aria-hidden="true" /> {FATE_LABELS[fate]}
          </li>
        ))}
      </ul>
      <ErrorNotice error={strips.error} what="load the slots" />
      {!shown ? (
        !strips.error && <Loading what="slots" />
      ) : shown.length === 0 ? (
        <p class="empty">{missedOnly ? 'No schedule missed a slot in its strip.' : 'No schedules.'}</p>
      ) : (
        <div class="timeline">
          {shown.map((strip) => (
            <SlotStrip key={strip.task.name} strip={strip} zone={zone} />
          ))}
        </div>
      )}
    </section>
  );
}

async function loadStrips(session: Session): Promise<Strip[]> {
  const { tasks } = await session.client.schedulerTasks();
  const now = new Date();
  return Promise.all(
    tasks.map(async (task) => {
      const answers = [];
      for (const range of slotWindows(task, now, SLOTS_PER_STRIP)) answers.push(await session.client.scheduleSlots(task.name, range));
      return { task, slots: lastSlots(answers, SLOTS_PER_STRIP) };
    }),
  );
}

function SlotStrip({ strip, zone }: { strip: Strip; zone: string }) {
  const { task, slots } = strip;
  const [active, setActive] = useState<number | undefined>();
  const [focusable, setFocusable] = useState(slots.length - 1);
  const cells = useRef<Array<HTMLElement | null>>([]);
  const detailId = `slot-detail-${task.name}`;
  const move = (to: number): void => {
    const index = Math.max(0, Math.min(slots.length - 1, to));
    setFocusable(index);
    cells.current[index]?.focus();
  };
  const onKeyDown = (event: KeyboardEvent, index: number): void => {
    const to = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: slots.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    move(to);
  };
  const shown = active === undefined ? undefined : slots[active];
  return (
    <div class="strip-row">
      <h2 class="strip-name">
        <span class="mono">{task.name}</span> <span class="small muted">{task.expression}</span>
      </h2>
      {slots.length === 0 ? (
        <p class="small muted">No slots yet.</p>
      ) : (
        <ol class="slot-strip" aria-label={`Last ${slots.length} slots of ${task.name}; arrow keys move between them`}>
          {slots.map((slot, index) => {
            const change = dstChangeBefore(slots, index, zone);
            const label = describeSlot(slot, zone, change);
            const props = {
              ref: (element: HTMLElement | null) => {
                cells.current[index] = element;
              },
              class: `slot-cell fate-${slot.fate}${change || slot.dstGap ? ' dst' : ''}${isMissed(slot) ? ' missed' : ''}`,
              tabIndex: index === focusable ? 0 : -1,
              'aria-label': label,
              'aria-describedby': detailId,
              'data-fate': slot.fate,
              onFocus: () => {
                setFocusable(index);
                setActive(index);
              },
              onMouseEnter: () => setActive(index),
              onKeyDown: (event: KeyboardEvent) => onKeyDown(event, index),
            };
            return (
              <li key={slot.scheduledFor}>
                {slot.run ? <a href={runHref(slot.run.id)} {...props} /> : <span role="img" {...props} />}
              </li>
            );
          })}
        </ol>
      )}
      <p id={detailId} class="slot-detail small" role="status">
        {shown ? (
          <>
            {describeSlot(shown, zone, dstChangeBefore(slots, active ?? 0, zone))}
            {shown.run && (
              <>
                {' · '}
                <a href={runHref(shown.run.id)} class="mono">
                  open run {shortId(shown.run.id)}
                </a>
              </>
            )}
          </>
        ) : (
          <span class="muted">Hover or focus a slot.</span>
        )}
      </p>
    </div>
  );
}
