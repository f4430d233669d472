import { useEffect, useRef } from "react";
import type { User } from "@users/client";
import { ErrorNotice } from "../../components/ErrorNotice";
import { editable, type Changes } from "./editable";

interface ConflictProps {
  base: User;
  latest: User;
  mine: Changes;
  saving: boolean;
  error: unknown;
  onReapply: () => void;
  onDiscard: () => void;
}

/** The 412 view: what the user was, what it is now, what you meant to change; then your call. */
export function Conflict({ base, latest, mine, saving, error, onReapply, onDiscard }: ConflictProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const rows = editable.filter((key) => latest[key] !== base[key] || key in mine);

  return (
    <div className="card conflict" role="region" aria-labelledby="conflict-heading">
      <h3 id="conflict-heading" tabIndex={-1} ref={heading}>
        Changed by someone else
      </h3>
      <p>
        This user went from version {base.version} to {latest.version} while you were editing, so nothing was saved (412 Precondition Failed).
      </p>
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">Values of the changed fields</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">When you started</th>
              <th scope="col">Now</th>
              <th scope="col">Yours</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((key) => (
              <tr key={key} data-field={key}>
                <th scope="row">{key}</th>
                <td>{String(base[key])}</td>
                <td className={latest[key] !== base[key] ? "changed" : undefined}>{String(latest[key])}</td>
                <td>{key in mine ? String(mine[key]) : <span className="muted">unchanged</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorNotice error={error} title="Not saved" />
      <div className="actions">
        <button type="button" className="primary" onClick={onReapply} disabled={saving}>
          Re-apply my changes to version {latest.version}
        </button>
        <button type="button" onClick={onDiscard} disabled={saving}>
          Discard mine, reload theirs
        </button>
      </div>
    </div>
  );
}
