/**
 * Many-to-many with relationship(secondary=table): association rows inserted and deleted by the
 * unit of work, back_populates on both sides, joins and selectinload through the secondary table.
 *
 * Deleting a Student deletes its association rows (no cascade needed) after loading the collection
 * to find them; the Course rows stay. Every flush here changes the association rows of one parent
 * only: when several parents have new rows, the order of the rows in the executemany is not fixed.
 */
import { Column, create_engine, ForeignKey, String, select, Table } from "sqlalchemy";
import {
  DeclarativeBase,
  type InstrumentedList,
  mapped_column,
  relationship,
  Session,
  selectinload,
} from "sqlalchemy/orm";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

class Base extends DeclarativeBase {}

const enrollment = new Table(
  "enrollment",
  Base.metadata,
  new Column("student_id", ForeignKey("student.id"), { primary_key: true }),
  new Column("course_id", ForeignKey("course.id"), { primary_key: true }),
);

class Student extends Base {
  static __tablename__ = "student";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(30)) accessor name!: string;
  @relationship(() => Course, { secondary: enrollment, back_populates: "students", order_by: "Course.id" })
  accessor courses!: Course[];
}

class Course extends Base {
  static __tablename__ = "course";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(30)) accessor title!: string;
  @relationship(() => Student, {
    secondary: enrollment,
    back_populates: "courses",
    order_by: () => Student_.id,
  })
  accessor students!: Student[];
}

/** Class-level mapped attributes (`Student.id`) are not in the classes' static types. */
const Student_ = Student as any;
const Course_ = Course as any;

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);

{
  using session = new Session(engine);
  print("## each flush INSERTs only the association rows that are new");
  const [boating, karate, jelly] = [
    new Course({ title: "boating" }),
    new Course({ title: "karate" }),
    new Course({ title: "jellyfishing" }),
  ];
  const sb = new Student({ name: "spongebob", courses: [boating] });
  session.add(sb);
  session.flush();
  const sandy = new Student({ name: "sandy" });
  sandy.courses.push(karate!);
  session.add(sandy);
  session.flush();
  print("## append from the Course side; back_populates updates Student.courses in memory");
  session.add(jelly);
  jelly!.students.push(sb);
  print(
    "sb.courses:",
    sb.courses.map((c) => c.title),
  );
  session.flush();
  jelly!.students.push(sandy);
  session.commit();
}

{
  using session = new Session(engine);
  print("## lazy load through the secondary table");
  const sb = session.scalars(select(Student).where(Student_.name.eq("spongebob"))).one() as Student;
  print(sb.courses.map((c) => c.title));
  print("## remove one association, add another");
  const karate = session.scalars(select(Course).where(Course_.title.eq("karate"))).one() as Course;
  (sb.courses as InstrumentedList<Course>).remove(sb.courses[0]!);
  sb.courses.push(karate);
  session.flush();
  print("## join through the secondary table");
  const stmt = select(Student_.name)
    .join(Student_.courses)
    .where(Course_.title.eq("karate"))
    .order_by(Student_.id);
  print(stmt);
  print(session.scalars(stmt).all());
  session.commit();
}

{
  using session = new Session(engine);
  print("## selectinload through the secondary table");
  const students = session
    .scalars(select(Student).options(selectinload(Student_.courses)).order_by(Student_.id))
    .all() as Student[];
  for (const s of students) {
    print(
      s.name,
      s.courses.map((c) => c.title),
    );
  }
  print("## delete a Student: its enrollment rows go, the courses stay");
  session.delete(students[1]);
  session.commit();
  print(session.execute(select(enrollment).order_by(enrollment.c.student_id, enrollment.c.course_id)).all());
  print(session.scalars(select(Course_.title).order_by(Course_.id)).all());
}
